import type { ContextIndex } from '../context/context-index';
import type { Dockerfile, Range } from '../dockerfile/types';

/** hadolint's levels, so `--format json` reads like hadolint's. */
export type Severity = 'error' | 'warning' | 'info' | 'style';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix an editor applies for "fix all of this kind". */
  preferred?: boolean;
}

/** A second place that explains a finding (the ENTRYPOINT that runs a non-executable COPY). */
export interface RelatedLocation {
  range: Range;
  message: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  range: Range;
  message: string;
  fixes: Fix[];
  related: RelatedLocation[];
  /** Codes of other rule families that found the same problem here and were folded into this finding. */
  alsoReportedAs?: string[];
}

/** What is known of a base image before building: from the local store, or from built-in tables. */
export interface BaseImageFacts {
  /** Normalized reference. */
  ref: string;
  /** How it is known: the image itself in the store, or the built-in table of common bases. */
  source: 'store' | 'known';
  /** A short name for messages (`busybox`, `alpine:3.20`). */
  label: string;
  /** Layer count, when the image is in the store. */
  layers?: number;
  /** The image's platform from its config, when the image is in the store. */
  platform?: { os: string; architecture: string; variant?: string };
  /** Whether the image has a path: true/false when known, undefined when it cannot be told. */
  has(path: string): boolean | undefined;
}

export interface LintOptions {
  /** Warn when a stage has more layers than this (base included). */
  layerCountThreshold: number;
  /** Rule IDs (or names) never reported: `.hadolint.yaml` `ignored`, the editor's settings. */
  ignored: string[];
  /** Per-rule severity overrides (`.hadolint.yaml` `override`, editor settings); 'off' drops the rule. */
  severities: Record<string, Severity | 'off'>;
  /** Registries FROM may use (hadolint DL3026); empty means any. */
  trustedRegistries: string[];
  /** Path of the shellcheck binary; '' means look it up on PATH; 'off' disables it. */
  shellcheckPath: string;
  /** Report a problem once when several rule families find it (engine/lint/equivalents.ts); false lists every code. */
  foldEquivalents: boolean;
  /** Labels a stage must carry and the form of their values (`.hadolint.yaml` label-schema; DL3049-DL3058). */
  labelSchema: Record<string, LabelType>;
  /** Labels outside labelSchema are reported (`.hadolint.yaml` strict-labels; DL3050). */
  strictLabels: boolean;
  /**
   * Additions to the built-in table of base images, keyed by repository (`mycorp/runtime`, every
   * tag) or reference (`mycorp/runtime:2`): the programs it has, and when its support ends.
   */
  baseOverrides: Record<string, BaseOverride>;
}

/** What a user tells Layerwise about a base image the built-in table does not know. */
export interface BaseOverride {
  /** Absolute paths of programs the image has; the other probed interpreters are taken as absent. */
  present?: string[];
  /** ISO date its support ends. */
  eol?: string;
}

/** The value forms hadolint's label-schema knows. */
export type LabelType = 'text' | 'url' | 'semver' | 'hash' | 'rfc3339' | 'spdx' | 'email';

export const DEFAULT_LINT_OPTIONS: LintOptions = { layerCountThreshold: 20, ignored: [], severities: {}, trustedRegistries: [], shellcheckPath: '', labelSchema: {}, strictLabels: false, foldEquivalents: true, baseOverrides: {} };

export interface LintInput {
  dockerfile: Dockerfile;
  /** Absent when linting a Dockerfile without its build context (stdin, unsaved buffer). */
  context?: ContextIndex;
  /** Facts of FROM images, keyed by the FROM word as written. */
  bases: Map<string, BaseImageFacts>;
  options: LintOptions;
}

/** A rule: a pure function of its input. One file per rule family under rules/. */
export interface Rule {
  id: string;
  /** Short kebab-case name, also accepted in ignore pragmas. */
  name: string;
  severity: Severity;
  /** One sentence: what it finds and why it matters. */
  description: string;
  check(input: LintInput): Finding[];
}
