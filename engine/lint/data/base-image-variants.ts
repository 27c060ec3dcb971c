/**
 * Official images whose default tags carry compilers, headers and package caches a runtime
 * does not need, and the smaller variant the same publisher maintains (Docker Hub, Dec 2026).
 */
export interface SmallerVariant {
  repository: string;
  /** Tag suffix of the smaller variant. */
  suffix: string;
  /** Tags already small (or a deliberate choice): no advice. */
  small: RegExp;
  /** Approximate compressed sizes, for the message. */
  sizes: string;
}

export const SMALLER_VARIANTS: SmallerVariant[] = [
  { repository: 'library/python', suffix: '-slim', small: /slim|alpine|windowsservercore|nanoserver/, sizes: '~390 MB vs ~45 MB' },
  { repository: 'library/node', suffix: '-slim', small: /slim|alpine|windowsservercore|nanoserver/, sizes: '~390 MB vs ~75 MB' },
  { repository: 'library/ruby', suffix: '-slim', small: /slim|alpine/, sizes: '~330 MB vs ~65 MB' },
  { repository: 'library/debian', suffix: '-slim', small: /slim/, sizes: '~48 MB vs ~28 MB' },
  { repository: 'library/eclipse-temurin', suffix: '-jre', small: /jre|alpine/, sizes: 'JDK ~200 MB vs JRE ~90 MB' },
  { repository: 'library/perl', suffix: '-slim', small: /slim/, sizes: '~330 MB vs ~50 MB' },
];

/** Images that are toolchains: a runtime stage built on one usually ships the compiler. */
export const TOOLCHAINS: { repository: string; instead: string }[] = [
  { repository: 'library/golang', instead: 'gcr.io/distroless/static (or scratch) with the binary copied from a build stage' },
  { repository: 'library/rust', instead: 'gcr.io/distroless/cc or debian:bookworm-slim with the binary copied from a build stage' },
  { repository: 'library/maven', instead: 'eclipse-temurin:<version>-jre with the jar copied from a build stage' },
  { repository: 'library/gradle', instead: 'eclipse-temurin:<version>-jre with the jar copied from a build stage' },
];
