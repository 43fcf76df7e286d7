import { deadLetterReasonCode } from './projector.metrics';

describe('dead letter reason label', () => {
  it('is the snake_case code before the first colon', () => {
    expect(deadLetterReasonCode('id_conflict: id "a" was already used for a different report')).toBe('id_conflict');
    expect(deadLetterReasonCode('wrong_partition: the message key must be the subject')).toBe('wrong_partition');
    expect(deadLetterReasonCode('database_refused: value too long (SQLSTATE 22001)')).toBe('database_refused');
  });

  it('is "invalid" for a reason without such a code, so free text never becomes a label', () => {
    expect(deadLetterReasonCode('not a valid newsledger CloudEvent')).toBe('invalid');
    expect(deadLetterReasonCode("not JSON: Unexpected token 'h'")).toBe('invalid');
    expect(deadLetterReasonCode('empty message: expected a CloudEvents 1.0 JSON object')).toBe('invalid');
    expect(deadLetterReasonCode('Id_Conflict: x')).toBe('invalid');
    expect(deadLetterReasonCode('id_conflict')).toBe('invalid');
  });
});
