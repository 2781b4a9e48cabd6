// A small YAML writer for the configs Prometheus and Alertmanager read: block maps and lists, strings
// always double-quoted (JSON escaping is valid YAML), so no value can turn into a bool, a number or a
// nested document whatever a host or an address holds. Enough for data we build; not a general YAML.
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function scalar(value: string | number | boolean | null): string {
  // Single quotes keep PromQL readable (only ' is escaped, as ''); anything with a control character
  // needs double quotes' escapes.
  if (typeof value === 'string') return value.includes('"') && !/[\x00-\x1f\x7f]/.test(value) ? `'${value.replaceAll("'", "''")}'` : JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`yaml: ${value} is not a finite number`);
    return String(value);
  }
  return String(value);
}

function key(k: string): string {
  return PLAIN_KEY.test(k) ? k : JSON.stringify(k);
}

function isScalar(v: YamlValue): v is string | number | boolean | null {
  return v === null || typeof v !== 'object';
}

function lines(value: YamlValue, indent: string): string[] {
  if (isScalar(value)) return [`${indent}${scalar(value)}`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return (value as readonly YamlValue[]).flatMap((item) => {
      if (isScalar(item) || (Array.isArray(item) ? item.length === 0 : Object.keys(item).length === 0)) return [`${indent}- ${inline(item)}`];
      const inner = lines(item, `${indent}  `);
      return [`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1)];
    });
  }
  const entries = Object.entries(value as Record<string, YamlValue | undefined>).filter((e): e is [string, YamlValue] => e[1] !== undefined);
  if (entries.length === 0) return [`${indent}{}`];
  return entries.flatMap(([k, v]) => {
    if (isScalar(v) || (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0)) return [`${indent}${key(k)}: ${inline(v)}`];
    return [`${indent}${key(k)}:`, ...lines(v, `${indent}  `)];
  });
}

function inline(v: YamlValue): string {
  if (isScalar(v)) return scalar(v);
  return Array.isArray(v) ? '[]' : '{}';
}

export function toYaml(value: YamlValue, header?: string): string {
  const head = header === undefined ? '' : `${header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n`;
  return `${head}${lines(value, '').join('\n')}\n`;
}
