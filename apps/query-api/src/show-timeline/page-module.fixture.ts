import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ASSETS_DIR, SSE_MODULE, sseModuleSource, WORDING_MODULE, wordingModuleSource } from './timeline-page.assets';

/**
 * The page's ES modules as jest (CommonJS) can run them: the very files served, their `import`s
 * of one another resolved to the same loader and their `export`s returned as an object. Only for
 * the pure modules: imports are `import { a, b } from './x.js';`, exports are declarations.
 */
const loaded = new Map<string, unknown>();

export function loadPageModule<T>(name: string): T {
  if (!loaded.has(name)) {
    const source = name === SSE_MODULE ? sseModuleSource() : name === WORDING_MODULE ? wordingModuleSource() : readFileSync(path.join(ASSETS_DIR, name), 'utf8');
    const destructured = [...source.matchAll(/^export const \{ ([^}]+) \}/gm)].flatMap((m) => m[1].split(',').map((n) => n.trim()));
    const names = [...[...source.matchAll(/^export (?:async )?(?:function|const|class) (\w+)/gm)].map((m) => m[1]), ...destructured];
    const body = source
      .replace(/^import \{([^}]+)\} from '\.\/([\w.-]+)';$/gm, (_, list: string, file: string) => `const {${list}} = __import('${file}');`)
      .replace(/^export const \{/gm, 'const {')
      .replace(/^export /gm, '');
    loaded.set(name, new Function('__import', `${body}\nreturn { ${names.join(', ')} };`)(loadPageModule));
  }
  return loaded.get(name) as T;
}
