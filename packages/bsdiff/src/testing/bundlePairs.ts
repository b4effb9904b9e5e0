/**
 * Deterministic, realistic bundle pairs for tests and benchmarks (no fixtures checked in): a Metro-style JS
 * bundle and a Hermes-like bytecode file, each as "v1" and "v2" of the same app after a small change.
 */

/** A small seeded PRNG (mulberry32): the same seed gives the same bundle on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'user',
  'profile',
  'cart',
  'item',
  'price',
  'order',
  'state',
  'props',
  'value',
  'config',
  'theme',
  'style',
  'navigation',
  'screen',
  'button',
  'label',
  'title',
  'list',
  'index',
  'count',
  'total',
  'loading',
  'error',
  'fetch',
  'response',
  'data',
  'render',
  'effect',
  'callback',
  'memo',
  'ref',
  'context',
  'locale',
  'format',
];
const TEMPLATES = [
  (a: string, b: string, n: number) => `var ${a}=r(d[${n % 7}]).${b}(${a}Of${n});`,
  (a: string, b: string, n: number) => `function ${a}${n}(t){return t.${b}?t.${a}+${n}:null}`,
  (a: string, b: string, n: number) => `e.${a}=function(t,n){return(0,o.default)({${b}:t,${a}:n,size:${n}})};`,
  (a: string, b: string, n: number) => `if(!${a}.${b})throw new Error("${a} ${b} is missing (${n})");`,
  (a: string, b: string, n: number) => `s.createElement(l.View,{style:c.${a},testID:"${b}-${n}"},${a}.${b});`,
  (a: string, b: string, n: number) => `const ${a}=(0,u.useState)(${n}),[${b},set${b}]=${a};`,
];

interface MetroModule {
  path: string;
  body: string;
  /** Indexes (not ids) of the modules it requires. */
  deps: number[];
}

function metroModules(count: number, seed: number): MetroModule[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const modules: MetroModule[] = [];
  for (let index = 0; index < count; index += 1) {
    const statements = 8 + Math.floor(next() * 40);
    let body = '"use strict";';
    for (let s = 0; s < statements; s += 1)
      body += pick(TEMPLATES)(pick(WORDS), pick(WORDS), Math.floor(next() * 1000));
    const deps = Array.from({ length: Math.floor(next() * 6) }, () => Math.floor(next() * count));
    modules.push({ path: `src/${pick(WORDS)}/${pick(WORDS)}${index}.js`, body, deps });
  }
  return modules;
}

function renderMetro(modules: readonly MetroModule[]): Uint8Array {
  // Metro numbers modules in order (ids 0, 1, 2, …), so inserting one shifts every later id.
  const lines = ['var __BUNDLE_START_TIME__=this.nativePerformanceNow?nativePerformanceNow():Date.now();'];
  modules.forEach((module, id) =>
    lines.push(`__d(function(g,r,i,a,m,e,d){${module.body}},${id},[${module.deps.join(',')}],"${module.path}");`),
  );
  lines.push('__r(0);');
  return new TextEncoder().encode(lines.join('\n'));
}

/** Two Metro bundles of about `approximateBytes`: v2 has one string edited and one module added near the start. */
export function metroBundlePair(approximateBytes: number, seed = 1): { v1: Uint8Array; v2: Uint8Array } {
  const count = Math.max(4, Math.round(approximateBytes / 1700));
  const modules = metroModules(count + 1, seed);
  const added = modules.pop()!;
  const v1 = renderMetro(modules);
  const edited = modules.map((module) => ({ ...module, deps: module.deps.map((dep) => (dep >= 3 ? dep + 1 : dep)) }));
  const target = Math.floor(count / 2);
  edited[target] = { ...edited[target]!, body: `${edited[target]!.body}console.log("fixed login crash");` };
  edited.splice(3, 0, added);
  return { v1, v2: renderMetro(edited) };
}

interface HermesFunction {
  name: string;
  code: Uint8Array;
}

function renderHermes(strings: readonly string[], functions: readonly HermesFunction[]): Uint8Array {
  // Header, a function table of absolute (offset, size, name index) entries, a sorted string table, then the
  // bytecode: adding a function shifts every later offset and every later string index, as hermesc's output does.
  const sorted = [...strings].sort();
  const stringIndex = new Map(sorted.map((text, index) => [text, index]));
  const encoder = new TextEncoder();
  const stringBytes = sorted.map((text) => encoder.encode(text));
  const tableSize = 32 + functions.length * 12 + stringBytes.reduce((sum, bytes) => sum + 4 + bytes.length, 0);
  const total = tableSize + functions.reduce((sum, fn) => sum + fn.code.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(encoder.encode('HERMES-LIKE\u0000'), 0);
  view.setUint32(12, 96, true);
  view.setUint32(16, functions.length, true);
  view.setUint32(20, sorted.length, true);
  view.setUint32(24, total, true);
  let at = 32;
  let codeAt = tableSize;
  for (const fn of functions) {
    view.setUint32(at, codeAt, true);
    view.setUint32(at + 4, fn.code.length, true);
    view.setUint32(at + 8, stringIndex.get(fn.name)!, true);
    at += 12;
    codeAt += fn.code.length;
  }
  for (const bytes of stringBytes) {
    view.setUint32(at, bytes.length, true);
    out.set(bytes, at + 4);
    at += 4 + bytes.length;
  }
  for (const fn of functions) {
    out.set(fn.code, at);
    at += fn.code.length;
  }
  return out;
}

/** Two Hermes-like bytecode files of about `approximateBytes`: v2 adds one function early and edits one. */
export function hermesBundlePair(approximateBytes: number, seed = 2): { v1: Uint8Array; v2: Uint8Array } {
  const next = random(seed);
  const count = Math.max(4, Math.round(approximateBytes / 400));
  const functions: HermesFunction[] = [];
  const opcodes = Array.from({ length: 40 }, () => Math.floor(next() * 256));
  for (let index = 0; index <= count; index += 1) {
    const code = new Uint8Array(100 + Math.floor(next() * 500));
    // Bytecode: a few dozen opcodes with small operands, some of them string indexes (which shift in v2).
    for (let i = 0; i < code.length; i += 1)
      code[i] = i % 3 === 0 ? opcodes[Math.floor(next() * 40)]! : Math.floor(next() * 64);
    functions.push({ name: `${WORDS[index % WORDS.length]}${index}`, code });
  }
  const added = functions.pop()!;
  const v1 = renderHermes(
    functions.map((fn) => fn.name),
    functions,
  );
  const changed = [...functions];
  const target = Math.floor(count / 2);
  const edited = new Uint8Array(changed[target]!.code);
  edited[10] = (edited[10]! + 1) & 0xff;
  changed[target] = { ...changed[target]!, code: edited };
  changed.splice(3, 0, added);
  const v2 = renderHermes(
    changed.map((fn) => fn.name),
    changed,
  );
  return { v1, v2 };
}
