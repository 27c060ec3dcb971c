/**
 * End-of-life and deprecation dates of common official images, checked Dec 2026 against the
 * projects' own release calendars (python.org, nodejs.org release schedule, ubuntu.com,
 * debian.org LTS, alpinelinux.org, php.net, ruby-lang.org) and Docker Hub deprecation notices.
 * A version listed with a future date is reported only once that date has passed.
 */
export interface LifecycleEntry {
  /** Normalized repository path (`library/python`). */
  repository: string;
  /** The version the tag starts with (`3.8` matches `3.8`, `3.8.19-slim`), or a Debian/Ubuntu codename; '*' is every tag. */
  version: string;
  /** ISO date support ended (or ends). */
  eol: string;
  /** What to use instead. */
  instead: string;
}

const TABLE_DATE = '2026-12-01';

const py = (version: string, eol: string): LifecycleEntry => ({ repository: 'library/python', version, eol, instead: 'python:3.13 (or another supported 3.x)' });
const node = (version: string, eol: string): LifecycleEntry => ({ repository: 'library/node', version, eol, instead: 'node:24 (an active LTS line)' });
const ubuntu = (versions: string[], eol: string): LifecycleEntry[] => versions.map((version) => ({ repository: 'library/ubuntu', version, eol, instead: 'ubuntu:24.04' }));
const debian = (versions: string[], eol: string): LifecycleEntry[] => versions.map((version) => ({ repository: 'library/debian', version, eol, instead: 'debian:bookworm (12) or trixie (13)' }));
const alpine = (version: string, eol: string): LifecycleEntry => ({ repository: 'library/alpine', version, eol, instead: 'alpine:3.22' });

/** When this table was last checked; shown in messages so a reader knows how fresh it is. */
export const LIFECYCLE_CHECKED = TABLE_DATE;

export const LIFECYCLE: LifecycleEntry[] = [
  py('2', '2020-01-01'),
  py('3.5', '2020-09-30'),
  py('3.6', '2021-12-23'),
  py('3.7', '2023-06-27'),
  py('3.8', '2024-10-07'),
  py('3.9', '2025-10-31'),
  py('3.10', '2026-10-31'),
  ...['4', '6', '8', '10', '12', '14', '16', '18', '20'].map((v, i) =>
    node(v, ['2018-04-30', '2019-04-30', '2019-12-31', '2021-04-30', '2022-04-30', '2023-04-30', '2023-09-11', '2025-04-30', '2026-04-30'][i]),
  ),
  ...['11', '13', '15', '17', '19', '21', '23', '25'].map((v, i) =>
    node(v, ['2019-06-01', '2020-06-01', '2021-06-01', '2022-06-01', '2023-06-01', '2024-06-01', '2025-06-01', '2026-06-01'][i]),
  ),
  ...ubuntu(['14.04', 'trusty'], '2019-04-30'),
  ...ubuntu(['16.04', 'xenial'], '2021-04-30'),
  ...ubuntu(['18.04', 'bionic'], '2023-05-31'),
  ...ubuntu(['20.04', 'focal'], '2025-05-31'),
  ...ubuntu(['22.10', 'kinetic'], '2023-07-20'),
  ...ubuntu(['23.04', 'lunar'], '2024-01-25'),
  ...ubuntu(['23.10', 'mantic'], '2024-07-11'),
  ...ubuntu(['24.10', 'oracular'], '2025-07-10'),
  ...ubuntu(['25.04', 'plucky'], '2026-01-15'),
  ...debian(['7', 'wheezy'], '2018-05-31'),
  ...debian(['8', 'jessie'], '2020-06-30'),
  ...debian(['9', 'stretch'], '2022-06-30'),
  ...debian(['10', 'buster'], '2024-06-30'),
  ...debian(['11', 'bullseye'], '2026-08-31'),
  ...['3.12', '3.13', '3.14', '3.15', '3.16', '3.17', '3.18', '3.19', '3.20'].map((v, i) =>
    alpine(v, ['2022-05-01', '2022-11-01', '2023-05-01', '2023-11-01', '2024-05-23', '2024-11-22', '2025-05-09', '2025-11-01', '2026-04-01'][i]),
  ),
  ...['5', '7.0', '7.1', '7.2', '7.3', '7.4', '8.0', '8.1'].map((version, i) => ({
    repository: 'library/php',
    version,
    eol: ['2018-12-31', '2019-01-10', '2019-12-01', '2020-11-30', '2021-12-06', '2022-11-28', '2023-11-26', '2025-12-31'][i],
    instead: 'php:8.4',
  })),
  ...['2', '3.0', '3.1', '3.2'].map((version, i) => ({ repository: 'library/ruby', version, eol: ['2023-03-31', '2024-04-23', '2025-03-26', '2026-03-31'][i], instead: 'ruby:3.4' })),
  { repository: 'library/openjdk', version: '*', eol: '2022-07-01', instead: 'eclipse-temurin (or amazoncorretto)' },
  { repository: 'library/centos', version: '*', eol: '2024-06-30', instead: 'quay.io/centos/centos:stream9, almalinux or rockylinux' },
  { repository: 'library/java', version: '*', eol: '2017-01-01', instead: 'eclipse-temurin' },
];

/** Debian and Alpine releases that language images name in their tags (`python:3.12-buster`, `node:20-alpine3.18`). */
export const DISTRO_SUFFIXES: { pattern: RegExp; repository: string; version: (m: RegExpExecArray) => string }[] = [
  { pattern: /(?:^|-)(wheezy|jessie|stretch|buster|bullseye)(?:-|$)/, repository: 'library/debian', version: (m) => m[1] },
  { pattern: /(?:^|-)(trusty|xenial|bionic|focal)(?:-|$)/, repository: 'library/ubuntu', version: (m) => m[1] },
  { pattern: /(?:^|-)alpine(3\.\d+)(?:-|$)/, repository: 'library/alpine', version: (m) => m[1] },
];
