/**
 * When an image's release stops getting fixes, for the editor's hover: read from the lint's dated
 * lifecycle table (base-image-lifecycle.ts, the one source of these dates) and the user's
 * `layerwise.lint.baseImages` overrides.
 */
import { parseReference } from '../../image/reference';
import { lifecycleOf } from './base-image-lifecycle';

export interface EndOfLife {
  /** What the date is about, e.g. `Alpine 3.18`. */
  release: string;
  /** ISO date (YYYY-MM-DD) support ends or ended. */
  date: string;
}

// Product names for messages, by repository.
const NAMES: Record<string, string> = {
  'library/alpine': 'Alpine',
  'library/debian': 'Debian',
  'library/ubuntu': 'Ubuntu',
  'library/node': 'Node.js',
  'library/python': 'Python',
  'library/php': 'PHP',
  'library/ruby': 'Ruby',
  'library/openjdk': 'openjdk',
  'library/centos': 'CentOS',
  'library/java': 'java',
};

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
  const [found] = lifecycleOf(ref);
  if (!found) return undefined;
  const { entry } = found;
  const name = NAMES[entry.repository] ?? entry.repository.replace(/^library\//, '');
  return { release: entry.version === '*' ? name : `${name} ${entry.version}`, date: entry.eol };
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
