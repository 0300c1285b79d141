import { describe, expect, it } from 'vitest';
import { companyPairs, type DedupRecord, findDuplicates, matchAgainst } from './index.ts';

/** Pairs as "a-b:tier" strings, for compact assertions. */
function pairs(records: DedupRecord[], region: 'US' | 'GB' = 'US'): string[] {
  return findDuplicates(records, { defaultRegion: region }).pairs.map(
    (pair) => `${pair.a}-${pair.b}:${pair.tier}`,
  );
}

describe('findDuplicates: the four tiers', () => {
  it('tier 1: the same email, ignoring case and stray spaces', () => {
    const result = findDuplicates([
      { email: 'Ann@Acme.com' },
      { email: ' ann@acme.COM ' },
      { email: 'bob@acme.com' },
    ]);
    expect(result.pairs).toEqual([{ a: 0, b: 1, tier: 1, rule: 'email', confidence: 'highest' }]);
  });

  it('tier 2: one phone number in international, 00 and national spellings, by the row country', () => {
    const records: DedupRecord[] = [
      { phone: '+44 20 7946 0958', first_name: 'Ann' },
      { phone: '0044 20 7946 0958', first_name: 'Ann' },
      { phone: '020 7946 0958', country: 'United Kingdom', first_name: 'Ann' },
      { phone: '020 7946 0958', first_name: 'Ann' }, // no country: read as a US number, so no match
    ];
    expect(pairs(records)).toEqual(['0-1:2', '0-2:2', '1-2:2']);
    // With GB as the default region the last row matches too.
    expect(pairs(records, 'GB')).toHaveLength(6);
  });

  it('tier 3: same company after suffixes, case and accents, and a name at most two typos apart', () => {
    const records: DedupRecord[] = [
      { first_name: 'Chloé', last_name: 'Dubois', company: 'Lumière SA' },
      { first_name: 'chloe', last_name: 'Duboiss', company: 'LUMIERE' },
      { first_name: 'Chloe', last_name: 'Dubois', company: 'Globex' }, // another company
    ];
    expect(findDuplicates(records).pairs).toEqual([
      { a: 0, b: 1, tier: 3, rule: 'company_name', confidence: 'medium' },
    ]);
  });

  it('tier 3 also accepts swapped name columns and short forms of a given name', () => {
    expect(
      pairs([
        { first_name: 'Robert', last_name: 'Stone', company: 'Acme Inc' },
        { first_name: 'Bob', last_name: 'Stone', company: 'ACME' },
        { first_name: 'Stone', last_name: 'Robert', company: 'Acme Corp.' },
      ]),
    ).toEqual(['0-1:3', '0-2:3', '1-2:3']);
  });

  it('tier 3 needs two typos or fewer, and less room on short names', () => {
    expect(
      pairs([
        { first_name: 'Margaret', last_name: 'Thompson', company: 'Acme' },
        { first_name: 'Margret', last_name: 'Thomson', company: 'Acme' }, // 2 edits: same person
        { first_name: 'Margo', last_name: 'Thomas', company: 'Acme' }, // 5 edits: someone else
      ]),
    ).toEqual(['0-1:3']);
    expect(
      pairs([
        { first_name: 'Li', last_name: 'Wu', company: 'Acme' },
        { first_name: 'Al', last_name: 'Wu', company: 'Acme' },
      ]),
    ).toEqual([]);
  });

  it('tier 4: same organisation domain is company-level only, and consumer mailboxes are no company', () => {
    const result = findDuplicates([
      { email: 'ann@acme.com', first_name: 'Ann' },
      { email: 'bob@acme.com', first_name: 'Bob' },
      { website: 'https://www.acme.com/contact', first_name: 'Cara' },
      { email: 'dan@gmail.com', first_name: 'Dan' },
      { email: 'eve@gmail.com', first_name: 'Eve' },
    ]);
    expect(result.pairs).toEqual([]);
    expect(result.groups).toEqual([]);
    expect(companyPairs(result).pairs.map((pair) => `${pair.a}-${pair.b}:${pair.tier}:${pair.rule}`)).toEqual(
      ['0-1:4:domain', '0-2:4:domain', '1-2:4:domain'],
    );
  });
});

describe('findDuplicates: a weaker tier never merges people its stronger identifiers tell apart', () => {
  it('colleagues sharing a switchboard number with different work emails are two people', () => {
    const result = findDuplicates([
      { email: 'ann@acme.com', phone: '(415) 555-0100', first_name: 'Ann', last_name: 'Lee' },
      { email: 'bob@acme.com', phone: '415-555-0100', first_name: 'Bob', last_name: 'Stone' },
    ]);
    expect(result.pairs).toEqual([]);
  });

  it('a shared number with clearly different names and no email is not one person either', () => {
    expect(
      pairs([
        { phone: '(415) 555-0100', first_name: 'Ann', last_name: 'Lee', company: 'Acme' },
        { phone: '415 555 0100', first_name: 'Robert', last_name: 'Stone', company: 'Acme' },
      ]),
    ).toEqual([]);
  });

  it('the same name at one company with different phone numbers is two people (tier 3 refused)', () => {
    expect(
      pairs([
        { first_name: 'John', last_name: 'Smith', company: 'Acme', phone: '(415) 555-0101' },
        { first_name: 'John', last_name: 'Smith', company: 'Acme', phone: '(415) 555-0199' },
      ]),
    ).toEqual([]);
  });

  it('a team inbox shared by different people does not merge them', () => {
    expect(
      pairs([
        { email: 'info@acme.com', first_name: 'Ann', last_name: 'Lee' },
        { email: 'info@acme.com', first_name: 'Robert', last_name: 'Stone' },
        { email: 'ann@acme.com', first_name: 'Ann', last_name: 'Lee' },
        { email: 'ann@acme.com', first_name: 'A.', last_name: 'Lee' },
      ]),
    ).toEqual(['2-3:1']);
  });

  it('placeholders are not identifiers: "N/A" phones and "none" emails match nothing', () => {
    expect(
      pairs([
        { email: 'none', phone: 'N/A', first_name: 'Ann' },
        { email: 'none', phone: 'N/A', first_name: 'Bob' },
        { phone: '000-000-0000', first_name: 'Cara' },
        { phone: '0000000000', first_name: 'Dan' },
      ]),
    ).toEqual([]);
  });

  it('refuses to chain two people together through a row that matches both, and flags it', () => {
    const result = findDuplicates([
      { email: 'ann@acme.com', phone: '(415) 555-0100', first_name: 'Ann', last_name: 'Lee' },
      { email: 'bob@acme.com', phone: '(415) 555-0100', first_name: 'Ann', last_name: 'Lee' },
      { phone: '(415) 555-0100', first_name: 'Ann', last_name: 'Lee' },
    ]);
    // Row 2 joins one of them (the tie goes to the first); joining the other is refused and reported.
    expect(result.pairs).toEqual([{ a: 0, b: 2, tier: 2, rule: 'phone', confidence: 'high' }]);
    expect(result.ambiguous).toEqual([
      expect.objectContaining({ a: 1, b: 2, tier: 2, reason: expect.stringContaining('different email') }),
    ]);
  });
});

describe('findDuplicates: groups', () => {
  it('lists every pair in a group, each with the strongest chain between the two', () => {
    const result = findDuplicates([
      { email: 'ann@acme.com', first_name: 'Ann', last_name: 'Lee' },
      { email: 'ANN@acme.com', phone: '(415) 555-0123', first_name: 'Ann', last_name: 'Lee' },
      { phone: '415.555.0123', first_name: 'Ann', last_name: 'Lee', company: 'Acme' },
      { first_name: 'Anne', last_name: 'Lee', company: 'ACME Inc.' },
    ]);
    expect(result.pairs.map((pair) => `${pair.a}-${pair.b}:${pair.rule}`)).toEqual([
      '0-1:email',
      '0-2:phone', // 0 and 2 share nothing directly: the chain 0-1 (email), 1-2 (phone) is as strong as a phone
      '0-3:company_name',
      '1-2:phone',
      '1-3:company_name',
      '2-3:company_name',
    ]);
    expect(result.groups).toEqual([[0, 1, 2, 3]]);
  });

  it('reads a whole name typed into one column, and "Last, First"', () => {
    expect(
      pairs([
        { full_name: 'Dr. Ann Lee', company: 'Acme' },
        { first_name: 'Lee, Ann', company: 'ACME LLC' },
        { first_name: 'Ann Lee', company: 'Acme' },
      ]),
    ).toEqual(['0-1:3', '0-2:3', '1-2:3']);
  });

  it('ignores empty rows', () => {
    expect(findDuplicates([{}, { email: '' }, {}]).pairs).toEqual([]);
  });
});

describe('matchAgainst: would this row duplicate an existing record?', () => {
  const crm: DedupRecord[] = [
    { email: 'ann@acme.com', first_name: 'Ann', last_name: 'Lee', company: 'Acme' },
    { phone: '+1 415 555 0100', first_name: 'Bob', last_name: 'Stone', company: 'Acme' },
    { email: 'cara@globex.com', first_name: 'Cara', last_name: 'Diaz', company: 'Globex' },
    { phone: '+1 212 555 0199', first_name: 'Cara', last_name: 'Diaz', company: 'Globex Corp' },
  ];

  it('finds the best match with its rule, or nothing', () => {
    // Bob's row knows only his first name: the part both records have agrees.
    const [ann, bob, nobody] = matchAgainst(
      [{ email: 'ANN@ACME.COM' }, { phone: '(415) 555-0100', first_name: 'Bob' }, { email: 'zed@zed.io' }],
      crm,
      { defaultRegion: 'US' },
    );
    expect(ann).toMatchObject({ best: { record: 0, tier: 1, rule: 'email' }, ambiguous: false });
    expect(bob).toMatchObject({ best: { record: 1, tier: 2, rule: 'phone' }, ambiguous: false });
    expect(nobody?.best).toBeUndefined();
    expect(nobody?.sameCompany).toEqual([]);
  });

  it('flags several matching records for review and still names the strongest', () => {
    const [cara] = matchAgainst(
      [{ email: 'cara@globex.com', first_name: 'Cara', last_name: 'Diaz', company: 'Globex' }],
      crm,
    );
    expect(cara?.best).toMatchObject({ record: 2, tier: 1 });
    expect(cara?.others).toEqual([expect.objectContaining({ record: 3, tier: 3 })]);
    expect(cara?.ambiguous).toBe(true);
  });

  it('reports same-company records when no person matches', () => {
    const [newcomer] = matchAgainst([{ email: 'dan@globex.com', first_name: 'Dan' }], crm);
    expect(newcomer?.best).toBeUndefined();
    expect(newcomer?.sameCompany.map((candidate) => candidate.record)).toEqual([2]);
  });
});

describe('findDuplicates: messy sheets without a country column', () => {
  it('reads national phone numbers in the country of the email or website domain', () => {
    expect(
      pairs([
        { email: 'ann@northwind.co.uk', phone: '020 7946 0958', first_name: 'Ann' },
        { phone: '+44 20 7946 0958', first_name: 'Ann' },
        { website: 'https://brandt.de', phone: '030 5550123', first_name: 'Jonas' },
        { phone: '+49 30 5550123', first_name: 'Jonas' },
        { email: 'zed@startup.io', phone: '020 7946 0958', first_name: 'Ann' }, // .io says nothing: read as US
      ]),
    ).toEqual(['0-1:2', '2-3:2']);
  });

  it('a one-letter typo in an address at the same domain does not make two people', () => {
    expect(
      pairs([
        { email: 'john.smith@acme.com', phone: '(415) 555-0123', first_name: 'John', last_name: 'Smith' },
        { email: 'jon.smith@acme.com', phone: '415-555-0123', first_name: 'John', last_name: 'Smith' },
        // Different people at one company still differ by more than a letter.
        { email: 'mary.jones@acme.com', phone: '415-555-0123', first_name: 'John', last_name: 'Smith' },
      ]),
    ).toEqual(['0-1:2']);
  });

  it('compares given names by their first word and ignores salutations', () => {
    expect(
      pairs([
        { first_name: 'John Andrew', last_name: 'Smith', phone: '(415) 555-0123' },
        { first_name: 'John', last_name: 'Smith', phone: '415 555 0123' },
        { first_name: 'Dr. Jane', last_name: 'Doe', company: 'Acme' },
        { first_name: 'Jane', last_name: 'Doe', company: 'ACME Inc' },
      ]),
    ).toEqual(['0-1:2', '2-3:3']);
  });
});
