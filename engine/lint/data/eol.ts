/**
 * End-of-life dates of common base images' releases (the upstream projects' published support
 * ends: alpinelinux.org releases, wiki.debian.org/LTS, ubuntu.com/about/release-cycle standard
 * support, nodejs.org release schedule, devguide.python.org versions). Checked Dec 2026.
 * Matched on the tag's leading version or codename, so `python:3.9-slim` is Python 3.9.
 */
import { parseReference } from '../../image/reference';

export interface EndOfLife {
  /** What the date is about, e.g. `Alpine 3.18`. */
  release: string;
  /** ISO date (YYYY-MM-DD) support ends or ended. */
  date: string;
}

type Table = Record<string, string>;

const ALPINE: Table = { '3.12': '2022-05-01', '3.13': '2022-11-01', '3.14': '2023-05-01', '3.15': '2023-11-01', '3.16': '2024-05-23', '3.17': '2024-11-22', '3.18': '2025-05-09', '3.19': '2025-11-01', '3.20': '2026-04-01', '3.21': '2026-11-01', '3.22': '2027-05-01', '3.23': '2027-11-01' };
const DEBIAN: Table = { '9': '2022-06-30', stretch: '2022-06-30', '10': '2024-06-30', buster: '2024-06-30', '11': '2026-08-31', bullseye: '2026-08-31', '12': '2028-06-30', bookworm: '2028-06-30', '13': '2030-06-30', trixie: '2030-06-30' };
const UBUNTU: Table = { '16.04': '2021-04-30', xenial: '2021-04-30', '18.04': '2023-05-31', bionic: '2023-05-31', '20.04': '2025-05-31', focal: '2025-05-31', '22.04': '2027-04-30', jammy: '2027-04-30', '24.04': '2029-04-30', noble: '2029-04-30' };
const NODE: Table = { '12': '2022-04-30', '14': '2023-04-30', '16': '2023-09-11', '17': '2022-06-01', '18': '2025-04-30', '19': '2023-06-01', '20': '2026-04-30', '21': '2024-06-01', '22': '2027-04-30', '23': '2025-06-01', '24': '2028-04-30' };
const PYTHON: Table = { '2.7': '2020-01-01', '3.6': '2021-12-23', '3.7': '2023-06-27', '3.8': '2024-10-07', '3.9': '2025-10-31', '3.10': '2026-10-31', '3.11': '2027-10-31', '3.12': '2028-10-31', '3.13': '2029-10-31', '3.14': '2030-10-31' };

const PRODUCTS: { path: RegExp; name: string; table: Table; version: RegExp }[] = [
  { path: /^library\/alpine$/, name: 'Alpine', table: ALPINE, version: /^(\d+\.\d+)/ },
  { path: /^library\/debian$/, name: 'Debian', table: DEBIAN, version: /^(\d+|[a-z]+)/ },
  { path: /^library\/ubuntu$/, name: 'Ubuntu', table: UBUNTU, version: /^(\d+\.\d+|[a-z]+)/ },
  { path: /^library\/node$/, name: 'Node.js', table: NODE, version: /^(\d+)/ },
  { path: /^library\/python$/, name: 'Python', table: PYTHON, version: /^(\d+\.\d+)/ },
];

/** The end of life of an image's release when the table (or an override's `eol`) knows it. */
export function endOfLife(image: string, overrides: Record<string, { eol?: string }> = {}): EndOfLife | undefined {
  let ref;
  try {
    ref = parseReference(image);
  } catch {
    return undefined;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value.eol && overrideMatches(key, ref)) return { release: key, date: value.eol };
  }
  const product = PRODUCTS.find((p) => p.path.test(ref.path));
  const version = product && ref.domain === 'docker.io' ? product.version.exec(ref.tag ?? '')?.[1] : undefined;
  const date = version ? product!.table[version] : undefined;
  return date ? { release: `${product!.name} ${version}`, date } : undefined;
}

/** Whether an override key (`repo` for every tag, `repo:tag` for one) names this reference. */
export function overrideMatches(key: string, ref: { domain: string; path: string; tag?: string }): boolean {
  let k;
  try {
    k = parseReference(key);
  } catch {
    return false;
  }
  const tagGiven = /:[\w][\w.-]*$/.test(key.slice(key.lastIndexOf('/') + 1));
  return k.domain === ref.domain && k.path === ref.path && (!tagGiven || k.tag === ref.tag);
}
