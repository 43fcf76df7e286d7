import { z } from 'zod';

/**
 * The name of an API key. It becomes the `ingestor` of every report the key writes and the
 * CloudEvent source `newsroom/<name>`, which the projector refuses when the name is empty, so the
 * API and the CLI both check a new key's name with this one rule.
 */
export const KEY_NAME_SCHEMA = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, '1 to 63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit, such as "reuters-desk"');
