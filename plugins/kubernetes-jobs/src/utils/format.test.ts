import {
  describeSchedule,
  describeWhen,
  localInputToIso,
  toLocalInputValue,
  formatDuration,
  formatPercent,
  formatRelativeTime,
  formatShortDateTime,
} from './format';

describe('formatDuration', () => {
  it.each([
    [undefined, ''],
    [-1, ''],
    [0, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [200, '3 min 20 s'],
    [3600, '1 h'],
    [7500, '2 h 5 min'],
  ])('formats %p as %p', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2025-01-10T12:00:00Z');
  it('says how long ago', () => {
    expect(formatRelativeTime('2025-01-10T11:59:50Z', now)).toBe('just now');
    expect(formatRelativeTime('2025-01-10T11:57:00Z', now)).toBe(
      '3 minutes ago',
    );
    expect(formatRelativeTime('2025-01-10T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelativeTime('2025-01-07T12:00:00Z', now)).toBe('3 days ago');
  });
  it('is empty for missing or invalid times', () => {
    expect(formatRelativeTime(undefined, now)).toBe('');
    expect(formatRelativeTime('not a date', now)).toBe('');
  });
});

describe('describeSchedule', () => {
  it('says common schedules in words', () => {
    expect(describeSchedule('0 2 * * *')).toBe('every day at 02:00');
    expect(describeSchedule('30 14 * * 1', 'Europe/Paris')).toBe(
      'every Monday at 14:30 (Europe/Paris)',
    );
    expect(describeSchedule('15 * * * *')).toBe('every hour at minute 15');
  });
  it('says other schedules in cronstrue words, and unknown ones as written', () => {
    expect(describeSchedule('*/5 * * * *')).toBe('every 5 minutes');
    expect(describeSchedule('*/15 9-17 * * 1-5', 'Europe/Paris')).toBe(
      'every 15 minutes, between 09:00 and 17:59, Monday through Friday (Europe/Paris)',
    );
    expect(describeSchedule('@daily')).toBe('every day at 00:00');
    expect(describeSchedule('@weekly', 'UTC')).toBe(
      'every Sunday at 00:00 (UTC)',
    );
    // What neither understands is shown as written.
    expect(describeSchedule('61 * * * *')).toBe('on schedule "61 * * * *"');
    expect(describeSchedule('@every 5m')).toBe('on schedule "@every 5m"');
  });
});

describe('formatPercent', () => {
  it('keeps the number and its unit on one line', () => {
    expect(formatPercent(1)).toBe('100\u00a0%');
    expect(formatPercent(2 / 3)).toBe('67\u00a0%');
    expect(formatPercent(undefined)).toBe('');
  });
});

describe('formatShortDateTime', () => {
  const now = Date.parse('2025-12-05T12:00:00Z');
  it('says day, month and time, and the year only when it is not this one', () => {
    expect(
      formatShortDateTime('2025-12-02T10:04:30Z', { now, timeZone: 'UTC' }),
    ).toBe('2 Dec 10:04');
    expect(
      formatShortDateTime('2024-12-02T10:04:30Z', { now, timeZone: 'UTC' }),
    ).toBe('2 Dec 2024 10:04');
  });
  it('is empty for missing or invalid times', () => {
    expect(formatShortDateTime(undefined)).toBe('');
    expect(formatShortDateTime('soon')).toBe('');
  });
});

describe('describeWhen', () => {
  // 20:00 in Paris on Sunday 6 December 2026.
  const now = Date.parse('2026-12-06T19:00:00Z');
  const paris = { now, timeZone: 'Europe/Paris' };

  it('says tonight for a time in the coming night, with how long until then', () => {
    expect(describeWhen('2026-12-07T01:00:00Z', paris)).toBe(
      'tonight at 02:00 (in 6 hours)',
    );
    expect(describeWhen('2026-12-06T21:30:00Z', paris)).toBe(
      'tonight at 22:30 (in 3 hours)',
    );
  });

  it('says today, tomorrow, or the date for other times', () => {
    const morning = Date.parse('2026-12-06T08:00:00Z');
    expect(
      describeWhen('2026-12-06T14:00:00Z', { ...paris, now: morning }),
    ).toBe('today at 15:00 (in 6 hours)');
    expect(describeWhen('2026-12-07T08:00:00Z', paris)).toBe(
      'tomorrow at 09:00 (in 13 hours)',
    );
    expect(describeWhen('2026-12-09T01:00:00Z', paris)).toBe(
      'on 9 Dec at 02:00 (in 2 days)',
    );
    expect(describeWhen('2026-12-06T18:55:00Z', paris)).toBe(
      'today at 19:55 (5 minutes ago)',
    );
    expect(describeWhen(undefined, paris)).toBe('');
  });
});

describe('localInputToIso', () => {
  it('keeps the local time and adds the offset of the browser at that time', () => {
    const iso = localInputToIso('2026-12-07T02:00');
    expect(iso).toMatch(/^2026-12-07T02:00:00[+-]\d{2}:\d{2}$/);
    expect(Date.parse(iso!)).toBe(new Date('2026-12-07T02:00').getTime());
    expect(toLocalInputValue(Date.parse(iso!))).toBe('2026-12-07T02:00');
  });

  it('refuses what is not a date and time', () => {
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('tomorrow')).toBeUndefined();
  });
});
