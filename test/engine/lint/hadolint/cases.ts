import type { LintOptions } from '../../../../engine/lint/types';

/**
 * One hadolint rule's vectors: Dockerfiles it must flag and ones it must pass, written from
 * hadolint's documentation and its own test suite (hadolint is not installable here).
 */
export interface RuleCase {
  rule: string;
  bad: string[];
  good: string[];
  /** Where the first finding of bad[0] starts: [line, character], 0-based. */
  at?: [number, number];
  options?: Partial<LintOptions>;
}

const schema: Partial<LintOptions> = {
  labelSchema: { maintainer: 'email', url: 'url', created: 'rfc3339', license: 'spdx', revision: 'hash', version: 'semver', title: 'text' },
};

export const CASES: RuleCase[] = [
  // FROM and stages
  { rule: 'DL3006', bad: ['FROM debian\n', 'FROM registry.io/team/app\n'], good: ['FROM debian:12\n', 'FROM scratch\n', 'FROM debian@sha256:' + 'a'.repeat(64) + '\n', 'FROM debian:12 AS base\nFROM base\n', 'ARG IMG=debian:12\nFROM $IMG\n'], at: [0, 5] },
  { rule: 'DL3007', bad: ['FROM debian:latest\n', 'FROM localhost:5000/app:latest\n'], good: ['FROM debian:12\n', 'FROM localhost:5000/app\n'], at: [0, 5] },
  { rule: 'DL3024', bad: ['FROM debian:12 AS x\nFROM debian:12 AS X\n'], good: ['FROM debian:12 AS x\nFROM debian:12 AS y\n'], at: [1, 18] },
  { rule: 'DL3026', bad: ['FROM random.io/debian:12\n', 'FROM gcr.io/x/y:1\n'], good: ['FROM docker.io/debian:12\n', 'FROM debian:12\n', 'FROM my.registry:5000/x:1\n', 'FROM scratch\n', 'FROM my.registry:5000/x:1 AS a\nFROM a\n'], options: { trustedRegistries: ['docker.io', 'my.registry:5000'] } },
  { rule: 'DL3029', bad: ['FROM --platform=linux/amd64 debian:12\n'], good: ['FROM debian:12\n', 'FROM --platform=$BUILDPLATFORM debian:12\n'], at: [0, 5] },
  { rule: 'DL3061', bad: ['LABEL a=b\nFROM debian:12\n', 'RUN true\n'], good: ['ARG V=12\nFROM debian:$V\n', '# comment\nFROM debian:12\nLABEL a=b\n'], at: [0, 0] },
  { rule: 'DL3063', bad: ['FROM debian:12 AS scratch\n', 'FROM debian:12 AS context\n'], good: ['FROM debian:12 AS build\n'], at: [0, 18] },
  { rule: 'DL3065', bad: ['FROM --platform=$TARGETPLATFORM debian:12\n', 'FROM --platform=${TARGETPLATFORM} debian:12\n'], good: ['FROM --platform=$BUILDPLATFORM debian:12\n', 'FROM debian:12\n'] },

  // Single instructions
  { rule: 'DL3000', bad: ['FROM debian:12\nWORKDIR usr/src\n'], good: ['FROM debian:12\nWORKDIR /usr/src\n', 'FROM debian:12\nWORKDIR $HOME\n', 'FROM debian:12\nWORKDIR "/a b"\n', 'FROM mcr.microsoft.com/windows:1\nWORKDIR C:\\\\app\n'], at: [1, 8] },
  { rule: 'DL3002', bad: ['FROM debian:12\nUSER root\n', 'FROM debian:12\nUSER 0:0\n', 'FROM debian:12 AS a\nUSER root\nFROM debian:12\nUSER app\n'], good: ['FROM debian:12\nUSER root\nRUN true\nUSER app\n', 'FROM debian:12\n'], at: [1, 0] },
  { rule: 'DL3011', bad: ['FROM debian:12\nEXPOSE 80 65536\n', 'FROM debian:12\nEXPOSE 8000-70000/tcp\n'], good: ['FROM debian:12\nEXPOSE 80 443/tcp 65535\n', 'FROM debian:12\nEXPOSE $PORT\n'], at: [1, 10] },
  { rule: 'DL3012', bad: ['FROM debian:12\nHEALTHCHECK CMD true\nHEALTHCHECK CMD false\n'], good: ['FROM debian:12\nHEALTHCHECK CMD true\nFROM debian:12\nHEALTHCHECK CMD true\n'], at: [2, 0] },
  { rule: 'DL3025', bad: ['FROM debian:12\nCMD node server.js\n', 'FROM debian:12\nENTRYPOINT /run.sh\n', 'FROM debian:12\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n'], good: ['FROM debian:12\nCMD ["node", "server.js"]\nENTRYPOINT ["/run.sh"]\nHEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\n', 'FROM debian:12\nHEALTHCHECK NONE\n'], at: [1, 0] },
  { rule: 'DL3043', bad: ['FROM debian:12\nONBUILD ONBUILD RUN true\n', 'FROM debian:12\nONBUILD FROM debian:12\n', 'FROM debian:12\nONBUILD MAINTAINER me\n'], good: ['FROM debian:12\nONBUILD RUN true\n'] },
  { rule: 'DL3044', bad: ['FROM debian:12\nENV A=1 B=$A\n', 'FROM debian:12\nENV A=1 B=${A}/x\n'], good: ['FROM debian:12\nENV A=1\nENV B=$A\n', 'FROM debian:12\nENV A=1 B=$AB\n', 'FROM debian:12\nARG A\nENV A=$A B=$A\n', 'FROM debian:12\nENV PATH=/x:$PATH\n', 'FROM debian:12\nENV a.b=1 c=$aXb d(=1\n'], at: [1, 0] },
  { rule: 'DL3057', bad: ['FROM debian:12\nCMD ["x"]\n'], good: ['FROM debian:12\nHEALTHCHECK CMD ["true"]\n'], options: { severities: { DL3057: 'info' } } },
  { rule: 'DL3064', bad: ['FROM debian:12\nARG GITHUB_TOKEN\n', 'FROM debian:12\nENV DB_PASSWORD=x\n', 'FROM debian:12\nENV my_api_key=1\n'], good: ['FROM debian:12\nARG VERSION=1\nENV PORT=80\n'], at: [1, 4] },
  { rule: 'DL3066', bad: ['FROM debian:12\nUSER app\n', 'FROM debian:12\nUSER app:1000\n'], good: ['FROM debian:12\nUSER 1000\n', 'FROM debian:12\nUSER 1000:1000\n', 'FROM debian:12\nUSER $UID\n'], at: [1, 5] },
  { rule: 'DL4000', bad: ['FROM debian:12\nMAINTAINER Jane <jane@example.com>\n'], good: ['FROM debian:12\nLABEL maintainer="jane@example.com"\n'], at: [1, 0] },
  { rule: 'DL4003', bad: ['FROM debian:12\nCMD ["a"]\nCMD ["b"]\n'], good: ['FROM debian:12 AS a\nCMD ["a"]\nFROM debian:12\nCMD ["b"]\n'], at: [2, 0] },
  { rule: 'DL4004', bad: ['FROM debian:12\nENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n'], good: ['FROM debian:12 AS a\nENTRYPOINT ["a"]\nFROM debian:12\nENTRYPOINT ["b"]\n'], at: [2, 0] },

  // COPY and ADD
  { rule: 'DL3010', bad: ['FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n', 'FROM debian:12\nCOPY src.tar.xz /tmp/\nRUN cd /tmp && unxz src.tar.xz\n'], good: ['FROM debian:12\nADD app.tar.gz /opt/\n', 'FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN ls /tmp\n', 'FROM debian:12\nCOPY app.tar.gz /tmp/\nFROM debian:12\nRUN tar -xzf /tmp/app.tar.gz\n'], at: [1, 0] },
  { rule: 'DL3020', bad: ['FROM debian:12\nADD app.py /app/\n', 'FROM debian:12\nADD a.tar.gz b.txt /x/\n'], good: ['FROM debian:12\nADD app.tar.gz /app/\n', 'FROM debian:12\nADD https://example.com/a.txt /a\n', 'FROM debian:12\nADD <<EOF /x\nhi\nEOF\n'], at: [1, 0] },
  { rule: 'DL3021', bad: ['FROM debian:12\nCOPY a b c\n'], good: ['FROM debian:12\nCOPY a b c/\n', 'FROM debian:12\nCOPY a b\n'], at: [1, 9] },
  { rule: 'DL3022', bad: ['FROM debian:12\nCOPY --from=builder /a /a\n', 'FROM debian:12\nCOPY --from=2 /a /a\n'], good: ['FROM debian:12 AS builder\nFROM debian:12\nCOPY --from=builder /a /a\n', 'FROM debian:12\nFROM debian:12\nCOPY --from=0 /a /a\n', 'FROM debian:12\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n'], at: [1, 5] },
  { rule: 'DL3023', bad: ['FROM debian:12 AS app\nCOPY --from=app /a /b\n'], good: ['FROM debian:12 AS build\nFROM debian:12 AS app\nCOPY --from=build /a /b\n'], at: [1, 5] },
  { rule: 'DL3045', bad: ['FROM debian:12\nCOPY app.py app/\n', 'FROM debian:12 AS a\nCOPY x .\n'], good: ['FROM debian:12\nWORKDIR /app\nCOPY app.py .\n', 'FROM debian:12\nCOPY app.py /app/\n', 'FROM debian:12 AS a\nWORKDIR /w\nFROM a\nCOPY x .\n', 'FROM debian:12\nCOPY x $DEST\n'], at: [1, 12] },
  { rule: 'DL3067', bad: ['FROM debian:12 AS a\nFROM scratch\nCOPY --from=a / /\n'], good: ['FROM debian:12 AS a\nFROM scratch\nCOPY --from=a /app /app\n', 'FROM debian:12 AS a\nFROM scratch\nCOPY --from=a / /rootfs/\n'], at: [2, 0] },

  // OS package managers
  { rule: 'DL3005', bad: ['FROM debian:12\nRUN apt-get update && apt-get dist-upgrade -y\n'], good: ['FROM debian:12\nRUN apt-get update && apt-get upgrade -y\n'], at: [1, 22] },
  { rule: 'DL3008', bad: ['FROM debian:12\nRUN apt-get install -y --no-install-recommends python3\n', 'FROM debian:12\nRUN apt-get install -y curl=8.5.0-2 wget\n'], good: ['FROM debian:12\nRUN apt-get install -y python3=3.11.2-1\n', 'FROM debian:12\nRUN apt-get install -y -t bookworm-backports foo=1\n', 'FROM debian:12\nRUN apt-get install -y ./local.deb\n'], at: [1, 4] },
  { rule: 'DL3009', bad: ['FROM debian:12\nRUN apt-get update && apt-get install -y curl=1\n'], good: ['FROM debian:12\nRUN apt-get update && apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\n', 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\n', 'FROM debian:12 AS build\nRUN apt-get update\nFROM debian:12\nCOPY --from=build /x /x\n'], at: [1, 4] },
  { rule: 'DL3014', bad: ['FROM debian:12\nRUN apt-get install python3=1\n'], good: ['FROM debian:12\nRUN apt-get install -y python3=1\n', 'FROM debian:12\nRUN apt-get -qq install python3=1\n', 'FROM debian:12\nRUN apt-get install --assume-yes python3=1\n'], at: [1, 4] },
  { rule: 'DL3015', bad: ['FROM debian:12\nRUN apt-get install -y python3=1\n'], good: ['FROM debian:12\nRUN apt-get install -y --no-install-recommends python3=1\n', 'FROM debian:12\nRUN apt-get install -y -o APT::Install-Recommends=false python3=1\n'], at: [1, 4] },
  { rule: 'DL3018', bad: ['FROM alpine:3.20\nRUN apk add --no-cache curl\n'], good: ['FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.0-r0\n', 'FROM alpine:3.20\nRUN apk add --no-cache curl~8.9\n', 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .deps gcc=13.2.1-r0\n'], at: [1, 4] },
  { rule: 'DL3019', bad: ['FROM alpine:3.20\nRUN apk add curl=8.9.0-r0\n'], good: ['FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.0-r0\n', 'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl=8.9.0-r0\n'], at: [1, 4] },
  { rule: 'DL3027', bad: ['FROM debian:12\nRUN apt install -y python3\n'], good: ['FROM debian:12\nRUN apt-get install -y python3\n'], at: [1, 4] },
  { rule: 'DL3030', bad: ['FROM centos:7\nRUN yum install httpd-2.4 && yum clean all\n'], good: ['FROM centos:7\nRUN yum install -y httpd-2.4 && yum clean all\n'], at: [1, 4] },
  { rule: 'DL3032', bad: ['FROM centos:7\nRUN yum install -y httpd-2.4\n'], good: ['FROM centos:7\nRUN yum install -y httpd-2.4 && yum clean all\n', 'FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install -y httpd-2.4\n'], at: [1, 4] },
  { rule: 'DL3033', bad: ['FROM centos:7\nRUN yum install -y httpd && yum clean all\n', 'FROM centos:7\nRUN yum module install -y nodejs && yum clean all\n'], good: ['FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n', 'FROM centos:7\nRUN yum module install -y nodejs:16 && yum clean all\n'], at: [1, 4] },
  { rule: 'DL3034', bad: ['FROM opensuse/leap:15\nRUN zypper install httpd=2.4 && zypper clean\n'], good: ['FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4 && zypper clean\n', 'FROM opensuse/leap:15\nRUN zypper --non-interactive install httpd=2.4 && zypper clean\n'], at: [1, 4] },
  { rule: 'DL3035', bad: ['FROM opensuse/leap:15\nRUN zypper dist-upgrade -y\n', 'FROM opensuse/leap:15\nRUN zypper dup -y\n'], good: ['FROM opensuse/leap:15\nRUN zypper update -y\n'], at: [1, 4] },
  { rule: 'DL3036', bad: ['FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4\n', 'FROM opensuse/leap:15\nRUN zypper clean && zypper install -y httpd=2.4\n'], good: ['FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4 && zypper clean\n'], at: [1, 4] },
  { rule: 'DL3037', bad: ['FROM opensuse/leap:15\nRUN zypper install -y httpd && zypper clean\n'], good: ['FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4 && zypper clean\n', 'FROM opensuse/leap:15\nRUN zypper install -y "httpd>=2.4" && zypper clean\n'], at: [1, 4] },
  { rule: 'DL3038', bad: ['FROM fedora:40\nRUN dnf install httpd-2.4.62 && dnf clean all\n', 'FROM fedora:40\nRUN microdnf install httpd-2.4.62 && microdnf clean all\n'], good: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n'], at: [1, 4] },
  { rule: 'DL3040', bad: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n'], good: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n', 'FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && rm -rf /var/cache/dnf\n'], at: [1, 4] },
  { rule: 'DL3041', bad: ['FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n', 'FROM fedora:40\nRUN dnf install -y python3-pip && dnf clean all\n'], good: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n', 'FROM fedora:40\nRUN dnf install -y python3-pip-23.3.2 && dnf clean all\n', 'FROM fedora:40\nRUN dnf module install -y nodejs:20 && dnf clean all\n'], at: [1, 4] },

  // Language package managers
  { rule: 'DL3013', bad: ['FROM python:3.12\nRUN pip install --no-cache-dir requests\n', 'FROM python:3.12\nRUN python -m pip install --no-cache-dir flask\n'], good: ['FROM python:3.12\nRUN pip install --no-cache-dir requests==2.32.3\n', 'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n', 'FROM python:3.12\nRUN pip install --no-cache-dir .\n', 'FROM python:3.12\nRUN pip install --no-cache-dir git+https://github.com/x/y@v1\n', 'FROM python:3.12\nRUN pip install --no-cache-dir -c constraints.txt flask\n'], at: [1, 4] },
  { rule: 'DL3016', bad: ['FROM node:22\nRUN npm install -g express\n', 'FROM node:22\nRUN npm install @angular/cli\n'], good: ['FROM node:22\nRUN npm install -g express@4.21.1\n', 'FROM node:22\nRUN npm install @angular/cli@18\n', 'FROM node:22\nRUN npm install\n', 'FROM node:22\nRUN npm install ./pkg.tgz\n', 'FROM node:22\nRUN npm install git+https://github.com/x/y.git#v1\n'], at: [1, 4] },
  { rule: 'DL3028', bad: ['FROM ruby:3.3\nRUN gem install rails\n'], good: ['FROM ruby:3.3\nRUN gem install rails:7.2.1\n', 'FROM ruby:3.3\nRUN gem install rails -v 7.2.1\n', 'FROM ruby:3.3\nRUN gem install rails --version=7.2.1\n'], at: [1, 4] },
  { rule: 'DL3042', bad: ['FROM python:3.12\nRUN pip install requests==2.32.3\n'], good: ['FROM python:3.12\nRUN pip install --no-cache-dir requests==2.32.3\n', 'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install requests==2.32.3\n', 'FROM python:3.12\nRUN PIP_NO_CACHE_DIR=true pip install requests==2.32.3\n', 'FROM python:3.12\nRUN pipx install black==24.1.0\n'], at: [1, 4] },
  { rule: 'DL3060', bad: ['FROM node:22\nRUN yarn install\n'], good: ['FROM node:22\nRUN yarn install && yarn cache clean\n', 'FROM node:22\nRUN yarn build\n'], at: [1, 4] },
  { rule: 'DL3062', bad: ['FROM golang:1.23\nRUN go install github.com/x/tool\n'], good: ['FROM golang:1.23\nRUN go install github.com/x/tool@v1.2.3\n', 'FROM golang:1.23\nRUN go install ./cmd/app\n', 'FROM golang:1.23\nRUN go build ./...\n'], at: [1, 4] },

  // What RUN commands do
  { rule: 'DL3001', bad: ['FROM debian:12\nRUN service nginx start\n', 'FROM debian:12\nRUN true && ps aux\n'], good: ['FROM debian:12\nRUN echo ps\n'], at: [1, 4] },
  { rule: 'DL3003', bad: ['FROM debian:12\nRUN cd /usr/src && make\n'], good: ['FROM debian:12\nWORKDIR /usr/src\nRUN make\n'], at: [1, 4] },
  { rule: 'DL3004', bad: ['FROM debian:12\nRUN sudo make install\n'], good: ['FROM debian:12\nRUN make install\n'], at: [1, 4] },
  { rule: 'DL3046', bad: ['FROM debian:12\nRUN useradd -u 123456 app\n'], good: ['FROM debian:12\nRUN useradd -l -u 123456 app\n', 'FROM debian:12\nRUN useradd -u 1000 app\n'], at: [1, 4] },
  { rule: 'DL3047', bad: ['FROM debian:12\nRUN wget https://example.com/a.tgz\n'], good: ['FROM debian:12\nRUN wget --progress=dot:giga https://example.com/a.tgz\n', 'FROM debian:12\nRUN wget -q https://example.com/a.tgz\n', 'FROM debian:12\nRUN wget -nv https://example.com/a.tgz\n'], at: [1, 4] },
  { rule: 'DL3059', bad: ['FROM debian:12\nRUN echo a\nRUN echo b\n', 'FROM debian:12\nRUN echo a\n# why\nRUN echo b\n'], good: ['FROM debian:12\nRUN echo a\nWORKDIR /x\nRUN echo b\n', 'FROM debian:12\nRUN --mount=type=cache,target=/c echo a\nRUN echo b\n', 'FROM debian:12\nRUN a && b && c\nRUN d\n'], at: [2, 0] },
  { rule: 'DL4001', bad: ['FROM debian:12\nRUN curl -o a https://x/a\nRUN wget -q https://x/b\n'], good: ['FROM debian:12\nRUN curl -o a https://x/a\nRUN curl -o b https://x/b\n', 'FROM debian:12 AS a\nRUN curl -o a https://x/a\nFROM debian:12\nRUN wget -q https://x/b\n'], at: [2, 4] },
  { rule: 'DL4005', bad: ['FROM debian:12\nRUN ln -sfv /bin/bash /bin/sh\n'], good: ['FROM debian:12\nSHELL ["/bin/bash", "-c"]\n', 'FROM debian:12\nRUN ln -s /usr/bin/python3 /usr/bin/python\n'], at: [1, 4] },
  { rule: 'DL4006', bad: ['FROM debian:12\nRUN wget -qO- https://x | tar xz\n', 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN a | b\n'], good: ['FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -qO- https://x | tar xz\n', 'FROM debian:12\nRUN a || b\n', 'FROM mcr.microsoft.com/powershell:7\nSHELL ["pwsh", "-c"]\nRUN a | b\n', 'FROM debian:12\nRUN ["sh", "-c", "a | b"]\n'], at: [1, 0] },

  // Labels
  { rule: 'DL3048', bad: ['FROM debian:12\nLABEL Foo=bar\n', 'FROM debian:12\nLABEL com.docker.x=1\n', 'FROM debian:12\nLABEL a..b=1\n', 'FROM debian:12\nLABEL a.=1\n'], good: ['FROM debian:12\nLABEL org.opencontainers.image.title=x maintainer=me\n'], at: [1, 6] },
  { rule: 'DL3049', bad: ['FROM debian:12\nLABEL title=x\n'], good: ['FROM debian:12\nLABEL maintainer=a@b.io url=https://x.io created=2024-01-02T03:04:05Z license=MIT revision=0123abc version=1.2.3 title=x\n'], options: schema, at: [0, 0] },
  { rule: 'DL3050', bad: ['FROM debian:12\nLABEL title=x other=y\n'], good: ['FROM debian:12\nLABEL title=x\n'], options: { ...schema, strictLabels: true }, at: [1, 14] },
  { rule: 'DL3051', bad: ['FROM debian:12\nLABEL title=""\n'], good: ['FROM debian:12\nLABEL title=x unrelated=""\n'], options: schema, at: [1, 6] },
  { rule: 'DL3052', bad: ['FROM debian:12\nLABEL url=not-a-url\n'], good: ['FROM debian:12\nLABEL url=https://example.com/x\n'], options: schema, at: [1, 10] },
  { rule: 'DL3053', bad: ['FROM debian:12\nLABEL created=2024-13-01\n', 'FROM debian:12\nLABEL created=yesterday\n'], good: ['FROM debian:12\nLABEL created=2024-01-02T03:04:05+01:00\n'], options: schema, at: [1, 14] },
  { rule: 'DL3054', bad: ['FROM debian:12\nLABEL license=MIT-ish\n'], good: ['FROM debian:12\nLABEL license=Apache-2.0\n'], options: schema, at: [1, 14] },
  { rule: 'DL3055', bad: ['FROM debian:12\nLABEL revision=not-a-hash\n'], good: ['FROM debian:12\nLABEL revision=' + '0123456789abcdef0123456789abcdef01234567' + '\n'], options: schema, at: [1, 15] },
  { rule: 'DL3056', bad: ['FROM debian:12\nLABEL version=1.2\n', 'FROM debian:12\nLABEL version=v1.2.3\n'], good: ['FROM debian:12\nLABEL version=1.2.3-rc.1+build.5\n'], options: schema, at: [1, 14] },
  { rule: 'DL3058', bad: ['FROM debian:12\nLABEL maintainer=jane\n', 'FROM debian:12\nLABEL maintainer=jane@\n'], good: ['FROM debian:12\nLABEL maintainer=jane.doe@example.com\n'], options: schema, at: [1, 17] },
];
