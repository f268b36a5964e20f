// Lets a file of the bundled build (build/bin/usher-NAME.cjs, loaded with
// require()) be collected once its code has done its work: Node's module
// cache, and the children list of the module that required it, would
// otherwise keep its source and compiled code for the life of the process.
// Run from build/src (ES modules, as the tests do), nothing is bundled and
// this does nothing: the ESM cache cannot drop a module.
import { createRequire } from 'node:module';

export function forgetBundledFile(fileName: string): void {
  const cache = createRequire(import.meta.url).cache;
  const isIt = (id: string) => id.endsWith(`/${fileName}`);
  for (const [id, module] of Object.entries(cache)) {
    if (isIt(id)) delete cache[id];
    else if (module) module.children = module.children.filter((child) => !isIt(child.id));
  }
}
