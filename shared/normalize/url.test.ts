import { describe, expect, it } from 'vitest';
import { domainOf, normalizeUrl, urlKey } from './url.ts';

describe('normalizeUrl', () => {
  it('trims but keeps what was typed', () => {
    expect(normalizeUrl('  https://Acme.com/About ')).toBe('https://Acme.com/About');
    expect(normalizeUrl('n/a')).toBeNull();
  });
});

describe('domainOf', () => {
  it('returns the lower-cased host without www', () => {
    expect(domainOf('https://WWW.Acme.com/about')).toBe('acme.com');
    expect(domainOf('http://www2.acme.com')).toBe('acme.com');
    expect(domainOf('https://shop.acme.co.uk/cart?x=1#top')).toBe('shop.acme.co.uk');
  });

  it('accepts a bare host', () => {
    expect(domainOf('acme.com')).toBe('acme.com');
    expect(domainOf('www.acme.com/about')).toBe('acme.com');
  });

  it('takes the domain of an email address', () => {
    expect(domainOf('ann@Acme.com')).toBe('acme.com');
    expect(domainOf('mailto:ann@www.acme.com')).toBe('acme.com');
  });

  it('drops a port, user info and a trailing dot', () => {
    expect(domainOf('http://acme.com:8080/x')).toBe('acme.com');
    expect(domainOf('https://user:pw@acme.com/x')).toBe('acme.com');
    expect(domainOf('https://acme.com./')).toBe('acme.com');
  });

  it('returns undefined when there is no dotted host', () => {
    expect(domainOf('')).toBeUndefined();
    expect(domainOf('localhost')).toBeUndefined();
    expect(domainOf('not a url')).toBeUndefined();
  });
});

describe('urlKey', () => {
  it('ignores scheme, www, host case and a trailing slash', () => {
    const key = urlKey('acme.com/about');
    expect(key).toBe('acme.com/about');
    for (const url of [
      'https://acme.com/about',
      'http://www.acme.com/about/',
      'HTTPS://ACME.COM/about',
      'acme.com/about//',
    ]) {
      expect(urlKey(url), url).toBe(key);
    }
    expect(urlKey('https://acme.com/')).toBe('acme.com');
    expect(urlKey('http://acme.com:8080/x')).toBe('acme.com/x');
  });

  it('keeps the path, which can matter', () => {
    expect(urlKey('https://acme.com/about')).not.toBe(urlKey('https://acme.com/About'));
    expect(urlKey('https://acme.com/a')).not.toBe(urlKey('https://acme.com/b'));
    expect(urlKey('https://acme.com/?q=1')).toBe('acme.com/?q=1');
  });

  it('lower-cases what is not a URL', () => {
    expect(urlKey('  Not A URL ')).toBe('not a url');
  });
});
