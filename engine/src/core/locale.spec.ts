import { localeChain, pickLocale } from './locale';

describe('localeChain', () => {
  it.each([
    ['zh-Hant-TW', ['zh-Hant-TW', 'zh-Hant', 'zh']],
    ['zh_CN', ['zh-CN', 'zh']],
    ['EN-us', ['en-US', 'en']],
    ['en', ['en']],
    ['', []],
    [null, []],
    ['not a locale!', []],
  ])('%j → %j', (locale, chain) => expect(localeChain(locale)).toEqual(chain));
});

describe('pickLocale', () => {
  const variants = ['zh-CN', 'en', 'zh-Hant'];
  it.each([
    ['zh-CN', 'zh-CN'],
    ['zh-Hant-HK', 'zh-Hant'],
    ['en-GB', 'en'],
    ['fr-FR', null],
    [undefined, null],
  ])('%j picks %j', (locale, expected) => expect(pickLocale(locale, variants)).toBe(expected));

  it('falls back to the given default', () => expect(pickLocale('de', variants, 'en')).toBe('en'));
});
