import { emailAddressProblem, phoneNumberProblem } from './addresses';

describe('emailAddressProblem', () => {
  it.each(['ann@example.com', 'li.wei+promo@shop.example', '王伟@例子.example', 'ann@localhost'])('accepts %j', (value) => {
    expect(emailAddressProblem(value)).toBeNull();
  });

  it.each([
    'a@x.test, b@y.test',
    '"S" <c@z.test>',
    'Ann <ann@x.test>',
    'u@x.test\r\nBcc: e@evil.test',
    'u@x.test\nBcc: e@evil.test',
    'group: a@x.test, b@x.test;',
    '(comment)a@x.test',
    ' a@x.test',
    'a@x.test ',
    '"a b"@x.test',
    'a@[127.0.0.1]',
    'not an address',
    '',
  ])('refuses %j', (value) => {
    expect(emailAddressProblem(value)).toMatch(/^must/);
  });
});

describe('phoneNumberProblem', () => {
  it.each(['+8613800000000', '+447911123456', '+15550000001'])('accepts %j', (value) => {
    expect(phoneNumberProblem(value)).toBeNull();
  });

  it.each(['+1', '12345', '+15550100', '0044 20 7946 0958', '+1 555 000 0001\nBcc', ''])('refuses %j', (value) => {
    expect(phoneNumberProblem(value)).toMatch(/^must be an E\.164 phone number/);
  });

  it('suggests the E.164 spelling of a readable number', () => {
    expect(phoneNumberProblem('+44 20 7946 0958')).toBe('must be an E.164 phone number like +14155550123 (+442079460958)');
  });
});
