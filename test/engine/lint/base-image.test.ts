import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIFECYCLE } from '../../../engine/lint/data/base-image-lifecycle';
import { applyEdits, findingsOf } from '../../helpers/lint';

test('LW3001: untagged and :latest bases, also through ARG defaults; tags, digests, scratch and stages pass', () => {
  const src = 'ARG IMG=node\nFROM alpine\nFROM ubuntu:latest\nFROM $IMG\n';
  assert.deepEqual(findingsOf('LW3001', src).map((f) => f.range.start.line), [1, 2, 3]);
  assert.match(findingsOf('LW3001', 'FROM alpine\n')[0].message, /has no tag, so it means alpine:latest/);
  const ok = 'FROM alpine:3.22 AS a\nFROM a\nFROM scratch\nFROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n';
  assert.deepEqual(findingsOf('LW3001', ok), []);
});

test('LW3002: end-of-life versions, deprecated images and EOL distro releases in tags; supported ones pass', () => {
  const [py] = findingsOf('LW3002', 'FROM python:3.8-slim\n');
  assert.match(py.message, /python 3\.8 reached end of life on 2024-10-07/);
  assert.deepEqual(py.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 20 } });
  assert.match(findingsOf('LW3002', 'FROM openjdk:17-jdk\n')[0].message, /deprecated.*eclipse-temurin/);
  assert.match(findingsOf('LW3002', 'FROM node:22-buster\n')[0].message, /debian buster it is built on/);
  assert.equal(findingsOf('LW3002', 'FROM node:14.21.3-alpine3.16\n').length, 1);
  assert.equal(findingsOf('LW3002', 'FROM centos:7\n').length, 1);
  assert.deepEqual(findingsOf('LW3002', 'FROM python:3.13-slim\nFROM node:24\nFROM debian:bookworm\nFROM alpine:3.22\nFROM ubuntu:24.04\n'), []);
  // node:2x must not be read as node:2 (or python 3.10 as 3.1).
  assert.deepEqual(findingsOf('LW3002', 'FROM node:22\n'), []);
});

test('LW3002: the table is dated and well-formed', () => {
  for (const e of LIFECYCLE) assert.match(e.eol, /^\d{4}-\d{2}-\d{2}$/, JSON.stringify(e));
});

test('LW3003: the final image on a full official image gets the smaller variant; build stages and slim tags pass', () => {
  const src = 'FROM golang:1.25 AS build\nRUN go build\nFROM python:3.12-bookworm\n';
  const [f] = findingsOf('LW3003', src);
  assert.equal(f.range.start.line, 2);
  assert.equal(applyEdits(src, f.fixes[0].edits).split('\n')[2], 'FROM python:3.12-slim-bookworm');
  assert.match(findingsOf('LW3003', 'FROM golang:1.25\nRUN go build\n')[0].message, /toolchain.*distroless/);
  assert.equal(findingsOf('LW3003', 'FROM node\n')[0].fixes[0].edits[0].newText, 'node:slim');
  assert.deepEqual(findingsOf('LW3003', 'FROM python:3.12 AS build\nFROM python:3.12-slim\n'), []);
  assert.deepEqual(findingsOf('LW3003', 'FROM node:22-alpine\n'), []);
});

test('LW3004: digest pinning is off unless given a severity', () => {
  assert.deepEqual(findingsOf('LW3004', 'FROM alpine:3.22\n'), []);
  const on = findingsOf('LW3004', 'FROM alpine:3.22\nFROM alpine:3.22@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n', { options: { severities: { LW3004: 'warning' } } });
  assert.deepEqual(on.map((f) => [f.range.start.line, f.severity]), [[0, 'warning']]);
});

test('LW3005: images from registries outside the trusted list, through ARG defaults; silent without a list', () => {
  const src = 'ARG REG=ghcr.io\nFROM $REG/acme/app:1\nFROM alpine:3.22\nFROM registry.internal.example.com/base:2\nFROM quay.io/x/y:1 AS q\nFROM q\n';
  assert.deepEqual(findingsOf('LW3005', src), []);
  const found = findingsOf('LW3005', src, { options: { trustedRegistries: ['index.docker.io', '*.example.com'] } });
  assert.deepEqual(found.map((f) => f.range.start.line), [1, 4]);
  assert.match(found[0].message, /ghcr\.io\/acme\/app:1 comes from ghcr\.io/);
});
