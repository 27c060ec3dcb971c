import { ShellLex, type EnvGetter } from '../dockerfile/expand';
import type { EscapeChar } from '../dockerfile/types';

/** Platform ARGs BuildKit defines without a declaration in the global scope. */
export function platformArgs(os: string, arch: string, variant = ''): Map<string, string> {
  const platform = `${os}/${arch}${variant ? `/${variant}` : ''}`;
  return new Map([
    ['TARGETPLATFORM', platform],
    ['TARGETOS', os],
    ['TARGETARCH', arch],
    ['TARGETVARIANT', variant],
    ['BUILDPLATFORM', platform],
    ['BUILDOS', os],
    ['BUILDARCH', arch],
    ['BUILDVARIANT', variant],
  ]);
}

/**
 * The variables visible to one stage's instructions: its ARGs and its ENV, ENV winning on a
 * name clash (Docker's rule), and an expander bound to the Dockerfile's escape character.
 */
export class StageVariables implements EnvGetter {
  private readonly args = new Map<string, string | undefined>();
  private readonly lex: ShellLex;

  constructor(
    escape: EscapeChar,
    private readonly env: () => string[],
  ) {
    this.lex = new ShellLex(escape);
  }

  get(name: string): string | undefined {
    const prefix = `${name}=`;
    const fromEnv = this.env().findLast((e) => e.startsWith(prefix));
    return fromEnv !== undefined ? fromEnv.slice(prefix.length) : this.args.get(name);
  }

  /** Declares an ARG; without a value it is declared but unset (RUN's env lacks it). */
  setArg(name: string, value: string | undefined): void {
    this.args.set(name, value);
  }

  /** ARGs declared in this stage, in declaration order, undefined where unset. */
  declaredArgs(): [string, string | undefined][] {
    return [...this.args];
  }

  /** BuildKit's ProcessWord with this scope. */
  word(text: string): string {
    return this.lex.processWord(text, this);
  }

  /** BuildKit's ProcessWords (whitespace-split after expansion) with this scope. */
  words(text: string): string[] {
    return this.lex.processWords(text, this);
  }
}

/** An expander over a fixed map (the global ARG scope used by FROM lines). */
export function expandWith(escape: EscapeChar, vars: Map<string, string>, text: string): string {
  return new ShellLex(escape).processWord(text, vars);
}
