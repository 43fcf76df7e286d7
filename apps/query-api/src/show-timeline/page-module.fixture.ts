import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ASSETS_DIR, SSE_MODULE, sseModuleSource } from './timeline-page.assets';

/**
 * The page's ES modules as jest (CommonJS) can run them: the very files served, their `import`s
 * of one another resolved to the same loader and their `export`s returned as an object. Only for
 * the pure modules: imports are `import { a, b } from './x.js';`, exports are declarations.
 */
const loaded = new Map<string, unknown>();

export function loadPageModule<T>(name: string): T {
  if (!loaded.has(name)) {
    const source = name === SSE_MODULE ? sseModuleSource() : readFileSync(path.join(ASSETS_DIR, name), 'utf8');
    const names = [...source.matchAll(/^export (?:async )?(?:function|const|class) (\w+)/gm)].map((m) => m[1]);
    const body = source
      .replace(/^import \{([^}]+)\} from '\.\/([\w.-]+)';$/gm, (_, list: string, file: string) => `const {${list}} = __import('${file}');`)
      .replace(/^export /gm, '');
    loaded.set(name, new Function('__import', `${body}\nreturn { ${names.join(', ')} };`)(loadPageModule));
  }
  return loaded.get(name) as T;
}
