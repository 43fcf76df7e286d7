import { InvalidArgumentError } from 'commander';
import { instantArg } from './instant.argument';

describe('instantArg', () => {
  it.each([
    ['2025-05-23T10:00:00Z', '2025-05-23T10:00:00.000Z'],
    ['2025-05-23T13:00:00+03:00', '2025-05-23T10:00:00.000Z'],
    ['2025-05-23T10:00Z', '2025-05-23T10:00:00.000Z'],
    ['2025-05-23T13:00+03:00', '2025-05-23T10:00:00.000Z'],
  ])('takes %s as %s', (given, instant) => {
    expect(instantArg(given)).toBe(instant);
  });

  // No offset (read in the terminal's time zone), an impossible date (rolled into March), no minutes.
  it.each(['2025-05-23T10:00:00', '2025-05-23T10:00', '2025-02-30T10:00:00Z', '2025-02-30T10:00Z', '2025-05-23T10Z', 'yesterday'])('refuses %s, showing the form', (given) => {
    expect(() => instantArg(given)).toThrow(InvalidArgumentError);
    expect(() => instantArg(given)).toThrow('such as 2025-05-23T10:00:00Z');
  });
});
