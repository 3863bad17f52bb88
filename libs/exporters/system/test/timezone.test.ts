import { posixRule, zoneAbbreviation } from '../src/timezone';

/** The tail of a TZif v2 file: binary data, then the POSIX TZ string between newlines. */
const tzif = (footer: string) => `TZif2\0\0binary…\n${footer}\n`;

describe('time zone abbreviation from TZif footers', () => {
  it('parses POSIX TZ strings, including quoted numeric names', () => {
    expect(posixRule(tzif('UTC0'))).toEqual({ std: 'UTC', stdOffsetSeconds: 0 });
    expect(posixRule(tzif('CET-1CEST,M3.5.0,M10.5.0/3'))).toEqual({
      std: 'CET',
      stdOffsetSeconds: -3600,
      dst: 'CEST',
    });
    expect(posixRule(tzif('<+0530>-5:30'))).toEqual({ std: '+0530', stdOffsetSeconds: -19800 });
    expect(posixRule('no footer')).toBeUndefined();
  });

  it('picks standard or daylight time by the current offset', () => {
    const at = (offsetMinutes: number) => ({ getTimezoneOffset: () => offsetMinutes }) as Date;
    const berlin = tzif('CET-1CEST,M3.5.0,M10.5.0/3');
    expect(zoneAbbreviation(at(-60), berlin)).toBe('CET');
    expect(zoneAbbreviation(at(-120), berlin)).toBe('CEST');
    expect(zoneAbbreviation(at(0), tzif('UTC0'))).toBe('UTC');
    expect(zoneAbbreviation(at(0), undefined)).toBe('UTC');
    expect(zoneAbbreviation(at(-330), undefined)).toBe('+0530');
  });
});
