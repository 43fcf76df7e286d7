import { KEY_NAME_SCHEMA } from './key-name';

describe('key names', () => {
  it('takes a name that makes a valid ingestor and CloudEvent source', () => {
    for (const name of ['reuters-desk', 'a', 'kyiv.desk_2', 'x'.repeat(63)]) expect(KEY_NAME_SCHEMA.safeParse(name).success).toBe(true);
  });

  it('refuses an empty name, which would make the source "newsroom/" that the projector dead-letters, and says what a name may be', () => {
    for (const name of ['', ' ', 'Reuters', 'reuters desk', '-desk', '.desk', 'desk/kyiv', 'x'.repeat(64)]) {
      const checked = KEY_NAME_SCHEMA.safeParse(name);
      expect(checked.success).toBe(false);
      expect(checked.error?.issues[0].message).toContain('such as "reuters-desk"');
    }
  });
});
