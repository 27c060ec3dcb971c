/** A heredoc marker (`<<EOF`, `<<-"EOF"`, `3<<EOF`) found in an instruction's logical line. */
export interface HeredocMarker {
  name: string;
  chomp: boolean;
  expand: boolean;
  fileDescriptor: number;
  start: number;
  end: number;
}

const MARKER = /^(\d*)<<(-?)([^<]*)$/;

/** Instructions whose arguments may contain heredocs (BuildKit, dockerfile 1.4+). */
export const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

/**
 * Finds heredoc markers the way BuildKit's heredocsFromLine does: the line is split into
 * shell words keeping quotes, and each word of the form `[n]<<[-]WORD` is a marker whose
 * name is WORD without quotes; any quote in WORD turns expansion off.
 */
export function findHeredocMarkers(line: string): HeredocMarker[] {
  const markers: HeredocMarker[] = [];
  for (const w of rawWords(line)) {
    const m = MARKER.exec(w.text);
    if (!m || m[3] === '') continue;
    const name = unquote(m[3]);
    if (name === undefined || name === '' || /\s/.test(name)) continue;
    markers.push({
      name,
      chomp: m[2] === '-',
      expand: !/["']/.test(m[3]),
      fileDescriptor: m[1] ? Number(m[1]) : 0,
      start: w.start,
      end: w.end,
    });
  }
  return markers;
}

// Shell words with quotes kept; backslash escapes the next character outside single quotes.
function rawWords(line: string): { text: string; start: number; end: number }[] {
  const words: { text: string; start: number; end: number }[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    const start = i;
    let quote = '';
    for (; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === quote) quote = '';
        else if (c === '\\' && quote === '"') i++;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '\\') i++;
      else if (/\s/.test(c)) break;
    }
    words.push({ text: line.slice(start, Math.min(i, line.length)), start, end: Math.min(i, line.length) });
  }
  return words;
}

function unquote(word: string): string | undefined {
  let out = '';
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < word.length) out += word[++i];
      else out += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\' && i + 1 < word.length) out += word[++i];
    else out += c;
  }
  return quote ? undefined : out;
}
