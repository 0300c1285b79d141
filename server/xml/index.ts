/**
 * A small XML reader and writer for SOAP messages (Salesforce Outbound Messages and the Metadata API):
 * elements, attributes, text, CDATA and the five predefined entities plus character references.
 * Document type declarations are refused outright, so no entity expansion can be smuggled in; comments
 * and processing instructions are skipped. Not a validating parser: it reads what SOAP endpoints send.
 */

export interface XmlElement {
  /** As written, prefix included (`soapenv:Envelope`). */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

export class XmlError extends Error {
  override readonly name = 'XmlError';
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const known = ENTITIES[ref];
    if (known === undefined) throw new XmlError(`Unknown entity ${whole}`);
    return known;
  });
}

/** Escapes text for element content and double-quoted attribute values. */
export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Parses a document and returns its root element; throws `XmlError` on anything it cannot read. */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const stack: { name: string; attributes: Record<string, string>; children: (XmlElement | string)[] }[] = [];
  let root: XmlElement | undefined;

  const append = (node: XmlElement | string) => {
    const parent = stack.at(-1);
    if (parent) parent.children.push(node);
    else if (typeof node !== 'string') {
      if (root) throw new XmlError('More than one root element');
      root = node;
    } else if (node.trim() !== '') throw new XmlError('Text outside the root element');
  };

  while (at < source.length) {
    const open = source.indexOf('<', at);
    if (open === -1) {
      append(decode(source.slice(at)));
      break;
    }
    if (open > at) append(decode(source.slice(at, open)));
    if (source.startsWith('<!--', open)) {
      const end = source.indexOf('-->', open + 4);
      if (end === -1) throw new XmlError('Unterminated comment');
      at = end + 3;
    } else if (source.startsWith('<![CDATA[', open)) {
      const end = source.indexOf(']]>', open + 9);
      if (end === -1) throw new XmlError('Unterminated CDATA section');
      append(source.slice(open + 9, end));
      at = end + 3;
    } else if (source.startsWith('<?', open)) {
      const end = source.indexOf('?>', open + 2);
      if (end === -1) throw new XmlError('Unterminated processing instruction');
      at = end + 2;
    } else if (source.startsWith('<!', open)) {
      throw new XmlError('Document type declarations are not accepted');
    } else if (source.startsWith('</', open)) {
      const end = source.indexOf('>', open);
      const name = source.slice(open + 2, end).trim();
      const top = stack.pop();
      if (end === -1 || !top || top.name !== name) throw new XmlError(`Unexpected closing tag </${name}>`);
      append(top);
      at = end + 1;
    } else {
      at = openTag(source, open, stack, append);
    }
  }
  if (stack.length > 0) throw new XmlError(`Unclosed element <${stack.at(-1)?.name}>`);
  if (!root) throw new XmlError('No root element');
  return root;
}

const TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function openTag(
  source: string,
  open: number,
  stack: { name: string; attributes: Record<string, string>; children: (XmlElement | string)[] }[],
  append: (node: XmlElement) => void,
): number {
  TAG.lastIndex = open;
  const match = TAG.exec(source);
  if (!match) throw new XmlError(`Malformed tag at offset ${open}`);
  const [whole, name = '', rawAttributes = '', selfClosing] = match;
  const attributes: Record<string, string> = {};
  for (const attribute of rawAttributes.matchAll(ATTRIBUTE)) {
    attributes[attribute[1] ?? ''] = decode(attribute[2] ?? attribute[3] ?? '');
  }
  if (selfClosing) append({ name, attributes, children: [] });
  else stack.push({ name, attributes, children: [] });
  return open + whole.length;
}

/** The name without its namespace prefix. */
export function localName(element: XmlElement): string {
  const colon = element.name.indexOf(':');
  return colon === -1 ? element.name : element.name.slice(colon + 1);
}

/** Child elements, optionally only those with the given local name. */
export function childElements(element: XmlElement, local?: string): XmlElement[] {
  return element.children.filter(
    (child): child is XmlElement =>
      typeof child !== 'string' && (local === undefined || localName(child) === local),
  );
}

/** The first child element with the given local name. */
export function childElement(element: XmlElement, local: string): XmlElement | undefined {
  return childElements(element, local)[0];
}

/** The element's text content (its direct text and CDATA). */
export function textOf(element: XmlElement): string {
  return element.children.filter((child): child is string => typeof child === 'string').join('');
}

/** `xsi:nil="true"`, whatever the prefix. */
export function isNil(element: XmlElement): boolean {
  return Object.entries(element.attributes).some(
    ([name, value]) => (name === 'nil' || name.endsWith(':nil')) && value === 'true',
  );
}

/** The SOAP body's first element, e.g. `notifications` or `createMetadata`. */
export function soapBodyOf(envelope: XmlElement): XmlElement {
  if (localName(envelope) !== 'Envelope') throw new XmlError('Not a SOAP envelope');
  const body = childElement(envelope, 'Body');
  const first = body ? childElements(body)[0] : undefined;
  if (!first) throw new XmlError('The SOAP envelope has an empty body');
  return first;
}
