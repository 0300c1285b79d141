/**
 * Common English given-name short forms. Two rows for "Bob Smith" and "Robert Smith" at one company are
 * one person far more often than two; Levenshtein alone cannot see that (distance 5).
 */
const GROUPS = [
  ['robert', 'rob', 'bob', 'bobby', 'robbie', 'bert'],
  ['william', 'will', 'bill', 'billy', 'liam', 'willy'],
  ['richard', 'rick', 'rich', 'dick', 'ricky'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['john', 'jack', 'johnny', 'jon'],
  ['michael', 'mike', 'mick', 'mikey'],
  ['thomas', 'tom', 'tommy'],
  ['christopher', 'chris', 'kit'],
  ['christine', 'chris', 'chrissy', 'christina', 'tina'],
  ['elizabeth', 'liz', 'lizzie', 'beth', 'betty', 'eliza', 'libby'],
  ['katherine', 'kate', 'kathy', 'katie', 'kat', 'catherine', 'cathy', 'kathryn'],
  ['margaret', 'maggie', 'meg', 'peggy', 'marge'],
  ['jennifer', 'jen', 'jenny'],
  ['jessica', 'jess', 'jessie'],
  ['daniel', 'dan', 'danny'],
  ['david', 'dave', 'davey'],
  ['joseph', 'joe', 'joey'],
  ['charles', 'charlie', 'chuck', 'chas'],
  ['edward', 'ed', 'eddie', 'ted', 'ned'],
  ['anthony', 'tony'],
  ['andrew', 'andy', 'drew'],
  ['alexander', 'alex', 'sasha', 'xander'],
  ['alexandra', 'alex', 'alexa', 'sandra', 'lexi'],
  ['benjamin', 'ben', 'benji'],
  ['samuel', 'sam', 'sammy'],
  ['samantha', 'sam', 'sammy'],
  ['matthew', 'matt'],
  ['nicholas', 'nick', 'nicky'],
  ['patrick', 'pat', 'paddy'],
  ['patricia', 'pat', 'patty', 'trish'],
  ['stephen', 'steve', 'steven'],
  ['timothy', 'tim', 'timmy'],
  ['gregory', 'greg'],
  ['jonathan', 'jon', 'jonny'],
  ['nathaniel', 'nate', 'nathan'],
  ['zachary', 'zach', 'zack'],
  ['rebecca', 'becky', 'becca'],
  ['susan', 'sue', 'susie'],
  ['deborah', 'deb', 'debbie'],
  ['victoria', 'vicky', 'tori'],
  ['abigail', 'abby'],
  ['kimberly', 'kim'],
  ['pamela', 'pam'],
  ['peter', 'pete'],
  ['philip', 'phil'],
  ['raymond', 'ray'],
  ['ronald', 'ron', 'ronnie'],
  ['donald', 'don', 'donnie'],
  ['douglas', 'doug'],
  ['frederick', 'fred', 'freddie'],
  ['gerald', 'gerry', 'jerry'],
  ['lawrence', 'larry'],
  ['leonard', 'leo', 'len'],
  ['francis', 'frank', 'fran'],
  ['frances', 'fran', 'frankie'],
  ['theodore', 'theo', 'ted'],
  ['vincent', 'vince'],
  ['kenneth', 'ken', 'kenny'],
  ['jacob', 'jake'],
  ['joshua', 'josh'],
  ['suzanne', 'suzy'],
  ['dorothy', 'dot', 'dottie'],
  ['josephine', 'jo', 'josie'],
  ['angela', 'angie'],
  ['valerie', 'val'],
  ['natalie', 'nat'],
  ['madeline', 'maddie'],
  ['allison', 'ally', 'allie', 'alison'],
  ['jacqueline', 'jackie'],
  ['cynthia', 'cindy'],
] as const;

const GROUPS_BY_NAME = new Map<string, number[]>();
GROUPS.forEach((group, index) => {
  for (const name of group) GROUPS_BY_NAME.set(name, [...(GROUPS_BY_NAME.get(name) ?? []), index]);
});

/** True when two folded given names are short forms of one another ("bob" and "robert"). */
export function areNicknames(a: string, b: string): boolean {
  const groupsOfA = GROUPS_BY_NAME.get(a);
  const groupsOfB = GROUPS_BY_NAME.get(b);
  if (!groupsOfA || !groupsOfB) return false;
  return groupsOfA.some((group) => groupsOfB.includes(group));
}
