import { describe, expect, it } from 'vitest';
import {
  childElement,
  childElements,
  isNil,
  localName,
  parseXml,
  soapBodyOf,
  textOf,
  xmlEscape,
} from './index.ts';

describe('parseXml', () => {
  it('reads elements, prefixes, attributes, entities and CDATA', () => {
    const root = parseXml(
      `<?xml version="1.0"?><!-- c --><a:Root x="1" y='a &amp; b'><B>t &lt;1&gt; &#65;&#x42;</B><C/><D><![CDATA[<raw>]]></D></a:Root>`,
    );
    expect(root.name).toBe('a:Root');
    expect(localName(root)).toBe('Root');
    expect(root.attributes).toEqual({ x: '1', y: 'a & b' });
    expect(textOf(childElement(root, 'B') ?? root)).toBe('t <1> AB');
    expect(childElements(root).map(localName)).toEqual(['B', 'C', 'D']);
    expect(textOf(childElement(root, 'D') ?? root)).toBe('<raw>');
  });

  it('finds the SOAP body and nil elements', () => {
    const body = soapBodyOf(
      parseXml(
        '<s:Envelope xmlns:s="x" xmlns:xsi="i"><s:Header/><s:Body><op><v xsi:nil="true"/></op></s:Body></s:Envelope>',
      ),
    );
    expect(localName(body)).toBe('op');
    expect(isNil(childElement(body, 'v') ?? body)).toBe(true);
  });

  it('refuses document type declarations, unknown entities and broken nesting', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toThrow(/Document type/);
    expect(() => parseXml('<x>&bogus;</x>')).toThrow(/Unknown entity/);
    expect(() => parseXml('<x><y></x></y>')).toThrow(/Unexpected closing/);
    expect(() => parseXml('<x>')).toThrow(/Unclosed/);
    expect(() => parseXml('<x/><y/>')).toThrow(/More than one root/);
  });

  it('escapes what it reads back unchanged', () => {
    const value = `a<b>&"c'`;
    expect(textOf(parseXml(`<v>${xmlEscape(value)}</v>`))).toBe(value);
  });
});
