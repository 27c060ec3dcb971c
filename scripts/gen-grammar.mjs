// Generates syntaxes/dockerfile.tmLanguage.json (the grammar is too regular to keep by hand:
// every rule has a backtick-escape twin). Usage: node scripts/gen-grammar.mjs > syntaxes/dockerfile.tmLanguage.json
const R = String.raw;
const BT = '`';

const MODES = [
  { sfx: '', E: R`\\`, label: 'backslash' },
  { sfx: '-backtick', E: '`', label: 'backtick' },
];

const repo = {};
const inc = (name) => ({ include: '#' + name });
const incm = (m, name) => ({ include: '#' + name + m.sfx });
const def = (m, name, rule) => { repo[name + (m ? m.sfx : '')] = rule; };

// A logical line ends after a line whose last non-blank character is not an unescaped escape
// character (BuildKit: `([^\\])\\[ \t]*$|^\\[ \t]*$` continues). Zero width, so enclosing
// regions can end at the same place.
const END = (m) => R`(?:(?<=[^\s${m.E}])|(?<=${m.E}${m.E}))(?=[ \t]*$)`;
// Start of a word.
const WB = R`(?<![^\s])`;
// End of a word.
const WE = R`(?![^\s])`;

const KW = 'keyword.other.special-method.dockerfile';

// ---------------------------------------------------------------- shared rules
def(null, 'comment-line', {
  comment: 'A whole-line comment: `#` after optional leading whitespace. The newline is part of the match so that a comment line inside a continued instruction does not end it (BuildKit skips such lines).',
  match: R`^([ \t]*)((#).*\n?)`,
  captures: {
    1: { name: 'punctuation.whitespace.comment.leading.dockerfile' },
    2: { name: 'comment.line.number-sign.dockerfile' },
    3: { name: 'punctuation.definition.comment.dockerfile' },
  },
});

const DIRECTIVE_NAMES = '(?i:syntax|escape|check)';
const DIRECTIVE_AHEAD = R`[ \t]*#[ \t]*${DIRECTIVE_NAMES}[ \t]*=[ \t]*\S`;
const directiveCaptures = (value) => ({
  1: { name: 'punctuation.definition.directive.dockerfile' },
  2: { name: 'keyword.control.directive.dockerfile' },
  3: { name: 'keyword.operator.assignment.dockerfile' },
  4: value,
});

def(null, 'directives', {
  comment: 'Parser directives: only in the run of `# key=value` lines (syntax, escape, check) that opens the file. The first other line (blank, comment, unknown directive or instruction) ends them, as in BuildKit.',
  begin: R`\A(?=${DIRECTIVE_AHEAD})`,
  end: R`^(?!${DIRECTIVE_AHEAD})`,
  patterns: [inc('directive-escape-backtick'), inc('directive-line')],
});

def(null, 'directive-line', {
  patterns: [
    {
      match: R`^[ \t]*(#)[ \t]*((?i:escape))[ \t]*(=)[ \t]*(?:(\\)|(.+?))[ \t]*$`,
      name: 'meta.directive.escape.dockerfile',
      captures: {
        ...directiveCaptures({ name: 'constant.character.escape.directive-value.dockerfile' }),
        5: { name: 'invalid.illegal.escape-character.dockerfile' },
      },
    },
    {
      match: R`^[ \t]*(#)[ \t]*((?i:check))[ \t]*(=)[ \t]*(.+?)[ \t]*$`,
      name: 'meta.directive.check.dockerfile',
      captures: directiveCaptures({
        name: 'string.unquoted.directive-value.dockerfile',
        patterns: [
          {
            match: R`([A-Za-z][A-Za-z0-9_-]*)[ \t]*(=)`,
            captures: {
              1: { name: 'entity.other.attribute-name.directive.dockerfile' },
              2: { name: 'keyword.operator.assignment.dockerfile' },
            },
          },
          { match: ';', name: 'punctuation.separator.semicolon.dockerfile' },
          { match: ',', name: 'punctuation.separator.comma.dockerfile' },
          { match: R`(?<==)(?i:true|false)\b`, name: 'constant.language.boolean.dockerfile' },
        ],
      }),
    },
    {
      match: R`^[ \t]*(#)[ \t]*((?i:syntax))[ \t]*(=)[ \t]*(.+?)[ \t]*$`,
      name: 'meta.directive.syntax.dockerfile',
      captures: directiveCaptures({ name: 'string.unquoted.directive-value.dockerfile' }),
    },
  ],
});

def(null, 'directive-escape-backtick', {
  comment: '`# escape=`` switches the escape and line-continuation character for the rest of the file: everything after this directive uses the *-backtick rules.',
  begin: R`^[ \t]*(#)[ \t]*((?i:escape))[ \t]*(=)[ \t]*(${BT})[ \t]*$`,
  beginCaptures: {
    0: { name: 'meta.directive.escape.dockerfile' },
    ...directiveCaptures({ name: 'constant.character.escape.directive-value.dockerfile' }),
  },
  end: '(?!)',
  patterns: [inc('directives-after-escape'), inc('statements-backtick')],
});

def(null, 'directives-after-escape', {
  begin: R`\G`,
  end: R`^(?!${DIRECTIVE_AHEAD})`,
  patterns: [inc('directive-line')],
});

def(null, 'variable-simple', {
  match: R`(\$)([A-Za-z_][A-Za-z0-9_]*)`,
  name: 'variable.other.dockerfile',
  captures: { 1: { name: 'punctuation.definition.variable.dockerfile' } },
});

def(null, 'variable-special', {
  comment: 'Shell special parameters ($1, $@, $?, ...), in shell contexts only.',
  match: R`(\$)([0-9@?$!#*-])`,
  name: 'variable.language.special.dockerfile',
  captures: { 1: { name: 'punctuation.definition.variable.dockerfile' } },
});

def(null, 'json-escape', {
  patterns: [
    { match: R`\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})`, name: 'constant.character.escape.json.dockerfile' },
    { match: R`\\.`, name: 'invalid.illegal.unrecognized-string-escape.dockerfile' },
  ],
});

const W_PLAIN = R`[^\s<"'\\${BT}]+`; // unquoted heredoc word (BuildKit: one shell word after <<)
const W_QUOTED = R`[^\s"']+`;

def(null, 'heredoc-shell-fallback', {
  comment: 'Whole-line shell comments in a RUN heredoc body, for when source.shell is not available.',
  match: R`^([ \t]*)((#).*$)`,
  captures: {
    2: { name: 'comment.line.number-sign.shell' },
    3: { name: 'punctuation.definition.comment.shell' },
  },
});

def(null, 'heredoc-marker', {
  comment: 'A heredoc marker that does not start a body here (the second one on a line, shown inside the first one\'s line).',
  match: R`${WB}(\d*)(<<-?)(?:(["'])(${W_QUOTED})(\3)|(${W_PLAIN}))${WE}`,
  captures: {
    1: { name: 'constant.numeric.integer.file-descriptor.dockerfile' },
    2: { name: 'keyword.operator.heredoc.dockerfile' },
    3: { name: 'punctuation.definition.heredoc.quote.dockerfile' },
    4: { name: 'entity.name.tag.heredoc.dockerfile' },
    5: { name: 'punctuation.definition.heredoc.quote.dockerfile' },
    6: { name: 'entity.name.tag.heredoc.dockerfile' },
  },
});

// ---------------------------------------------------------------- per-mode rules
const INSTRUCTIONS = [
  'from', 'run', 'cmd', 'label', 'maintainer', 'expose', 'env', 'add', 'copy', 'entrypoint',
  'volume', 'user', 'workdir', 'arg', 'onbuild', 'stopsignal', 'healthcheck', 'shell',
];
const ONBUILD_ALLOWED = INSTRUCTIONS.filter((k) => !['onbuild', 'from', 'maintainer'].includes(k));

for (const m of MODES) {
  const E = m.E;
  const end = END(m);
  // What every region inside an instruction needs: comment lines and continuations.
  const lineBasics = [inc('comment-line'), incm(m, 'line-continuation')];

  def(m, 'statements', {
    patterns: [
      inc('comment-line'),
      ...INSTRUCTIONS.map((k) => incm(m, 'instruction-' + k)),
      incm(m, 'instruction-unknown'),
    ],
  });

  def(m, 'line-continuation', {
    match: R`(?<!${E})(${E})[ \t]*$`,
    captures: { 1: { name: 'constant.character.escape.line-continuation.dockerfile' } },
  });

  def(m, 'escape', {
    comment: 'Outside quotes the escape character escapes any character.',
    match: R`${E}.`,
    name: 'constant.character.escape.dockerfile',
  });

  def(m, 'variables', {
    patterns: [inc('variable-simple'), incm(m, 'variable-braced')],
  });

  def(m, 'variable-braced', {
    begin: R`(\$)(\{)`,
    beginCaptures: {
      1: { name: 'punctuation.definition.variable.dockerfile' },
      2: { name: 'punctuation.definition.variable.begin.dockerfile' },
    },
    end: R`(\})|${end}`,
    endCaptures: { 1: { name: 'punctuation.definition.variable.end.dockerfile' } },
    name: 'meta.interpolation.variable.dockerfile',
    patterns: [
      {
        match: R`\G(#)?([A-Za-z_][A-Za-z0-9_]*|[0-9@?$!#*-])(:?[-+?=]|##?|%%?|//?|/#|/%)?`,
        captures: {
          1: { name: 'keyword.operator.length.dockerfile' },
          2: { name: 'variable.other.dockerfile' },
          3: { name: 'keyword.operator.expansion.dockerfile' },
        },
      },
      ...lineBasics,
      incm(m, 'strings'),
      incm(m, 'variables'),
      incm(m, 'escape'),
    ],
  });

  def(m, 'strings', {
    patterns: [incm(m, 'string-double'), incm(m, 'string-single')],
  });

  def(m, 'string-double', {
    begin: '"',
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.dockerfile' } },
    end: R`(")|${end}`,
    endCaptures: { 1: { name: 'punctuation.definition.string.end.dockerfile' } },
    name: 'string.quoted.double.dockerfile',
    patterns: [
      ...lineBasics,
      { match: R`${E}[${E}"$${BT}]`, name: 'constant.character.escape.dockerfile' },
      incm(m, 'variables'),
    ],
  });

  def(m, 'string-single', {
    comment: 'No escapes and no variables inside single quotes.',
    begin: "'",
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.dockerfile' } },
    end: R`(')|${end}`,
    endCaptures: { 1: { name: 'punctuation.definition.string.end.dockerfile' } },
    name: 'string.quoted.single.dockerfile',
    patterns: lineBasics,
  });

  // JSON (exec) form: only as the first argument, and only when the line looks like a JSON
  // array of strings (complete, or continued on the next line), as BuildKit falls back to the
  // shell form for anything else (`RUN [ -f x ] && ...`).
  const JSTR = R`"(?:[^"\\]|\\.)*"`;
  const JSON_AHEAD = R`(?=[ \t]*(?:${JSTR}[ \t]*,[ \t]*)*(?:${JSTR}[ \t]*)?(?:\][ \t]*$|(?<!${E})${E}[ \t]*$))`;
  for (const [key, vars] of [['json-array-exec', false], ['json-array-expand', true]]) {
    def(m, key, {
      comment: vars
        ? 'JSON form of COPY/ADD/VOLUME: BuildKit still expands variables in it.'
        : 'Exec form of RUN/CMD/ENTRYPOINT/SHELL: no shell, so no variable expansion.',
      begin: R`\G(\[)${JSON_AHEAD}`,
      beginCaptures: { 1: { name: 'punctuation.definition.array.begin.dockerfile' } },
      end: R`(\])|${end}`,
      endCaptures: { 1: { name: 'punctuation.definition.array.end.dockerfile' } },
      name: 'meta.array.json.dockerfile',
      patterns: [
        ...lineBasics,
        {
          begin: '"',
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.dockerfile' } },
          end: R`(")|${end}`,
          endCaptures: { 1: { name: 'punctuation.definition.string.end.dockerfile' } },
          name: 'string.quoted.double.json.dockerfile',
          patterns: [incm(m, 'line-continuation'), inc('json-escape'), ...(vars ? [incm(m, 'variables')] : [])],
        },
        { match: ',', name: 'punctuation.separator.array.dockerfile' },
        { match: R`[^\s,\]"${E}]+`, name: 'invalid.illegal.expected-string.dockerfile' },
      ],
    });
  }

  // Flags: `--name[=value]` words before the first argument.
  const flagValue = [
    incm(m, 'line-continuation'),
    incm(m, 'variables'),
    incm(m, 'strings'),
    {
      match: R`(?<=[=,])([A-Za-z][A-Za-z0-9_.-]*)(=)`,
      captures: {
        1: { name: 'entity.other.attribute-name.dockerfile' },
        2: { name: 'keyword.operator.assignment.dockerfile' },
      },
    },
    { match: ',', name: 'punctuation.separator.comma.dockerfile' },
    { match: R`(?<=[=,])(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+(?=[,\s]|$)`, name: 'constant.numeric.duration.dockerfile' },
    { match: R`(?<=[=,])[0-9]+(?=[,\s]|$)`, name: 'constant.numeric.integer.dockerfile' },
    { match: R`(?<=[=,])(?:true|false)(?=[,\s]|$)`, name: 'constant.language.boolean.dockerfile' },
  ];
  def(m, 'flags', {
    patterns: [
      {
        comment: '--from names a stage (or an image).',
        begin: R`${WB}((--)from)(=)`,
        beginCaptures: {
          1: { name: 'variable.parameter.flag.dockerfile' },
          2: { name: 'punctuation.definition.flag.dockerfile' },
          3: { name: 'keyword.operator.assignment.dockerfile' },
        },
        end: WE,
        name: 'meta.flag.dockerfile',
        patterns: [
          incm(m, 'line-continuation'),
          incm(m, 'variables'),
          incm(m, 'strings'),
          { match: R`[^\s$"'${E}]+`, name: 'entity.name.type.stage.dockerfile' },
        ],
      },
      {
        begin: R`${WB}((--)[A-Za-z][A-Za-z0-9-]*)(=)?`,
        beginCaptures: {
          1: { name: 'variable.parameter.flag.dockerfile' },
          2: { name: 'punctuation.definition.flag.dockerfile' },
          3: { name: 'keyword.operator.assignment.dockerfile' },
        },
        end: WE,
        name: 'meta.flag.dockerfile',
        patterns: flagValue,
      },
    ],
  });

  // An instruction: keyword, then flags, then its arguments, until the logical line ends.
  const instruction = (kw, key, args, opts = {}) => {
    def(m, 'instruction-' + key, {
      begin: R`(?:^|\G)[ \t]*((?i:${kw}))(?=\s|$)`,
      beginCaptures: { 1: { name: KW } },
      end,
      name: `meta.instruction.${key}.dockerfile`,
      patterns: [...lineBasics, ...(opts.noFlags ? [] : [incm(m, 'flags')]), ...args],
    });
  };
  // The arguments after the flags: a region from the first non-flag word to the end, so that a
  // JSON array is recognised only there (\G).
  const argsRegion = (key, patterns) => {
    def(m, key, {
      begin: R`${WB}(?=\S)`,
      end,
      patterns: [...lineBasics, ...patterns],
    });
    return incm(m, key);
  };

  const shellWords = (heredoc) => [
    ...(heredoc ? [incm(m, 'heredoc-' + heredoc)] : []),
    incm(m, 'strings'),
    incm(m, 'variables'),
    inc('variable-special'),
    incm(m, 'escape'),
  ];
  const words = (heredoc) => [
    ...(heredoc ? [incm(m, 'heredoc-' + heredoc)] : []),
    incm(m, 'strings'),
    incm(m, 'variables'),
    incm(m, 'escape'),
  ];

  // FROM [--platform=...] image [AS name]
  def(m, 'from-as', {
    match: R`${WB}((?i:as))(?:[ \t]+([^\s${E}]+))?${WE}`,
    captures: {
      1: { name: 'keyword.other.as.dockerfile' },
      2: { name: 'entity.name.type.stage.dockerfile' },
    },
  });
  def(m, 'from-image', {
    begin: R`${WB}(?=[^\s-])`,
    end: WE,
    name: 'meta.image.dockerfile',
    patterns: [
      { match: R`\G(?i:scratch)${WE}`, name: 'constant.language.scratch.dockerfile' },
      incm(m, 'line-continuation'),
      incm(m, 'variables'),
      incm(m, 'strings'),
      {
        match: R`(@)([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,})`,
        captures: {
          1: { name: 'punctuation.separator.digest.dockerfile' },
          2: { name: 'constant.other.digest.dockerfile' },
        },
      },
      {
        match: R`(:)([A-Za-z0-9_][A-Za-z0-9_.-]*)?(?=[@$]|${WE})`,
        captures: {
          1: { name: 'punctuation.separator.tag.dockerfile' },
          2: { name: 'constant.other.tag.dockerfile' },
        },
      },
      { match: R`[^\s:@$"'${E}]+`, name: 'entity.name.type.image.dockerfile' },
    ],
  });
  instruction('FROM', 'from', [incm(m, 'from-as'), incm(m, 'from-image')]);

  instruction('RUN', 'run', [argsRegion('run-arguments', [incm(m, 'json-array-exec'), ...shellWords('run')])]);
  const cmdArgs = argsRegion('command-arguments', [incm(m, 'json-array-exec'), ...shellWords(null)]);
  instruction('CMD', 'cmd', [cmdArgs]);
  instruction('ENTRYPOINT', 'entrypoint', [cmdArgs]);
  instruction('SHELL', 'shell', [cmdArgs]);

  const copyArgs = argsRegion('copy-arguments', [incm(m, 'json-array-expand'), ...words('copy')]);
  instruction('COPY', 'copy', [copyArgs]);
  instruction('ADD', 'add', [copyArgs]);
  instruction('VOLUME', 'volume', [argsRegion('volume-arguments', [incm(m, 'json-array-expand'), ...words(null)])]);

  const assignment = (scope) => ({
    match: R`${WB}([^\s="'$${E}]+)(=)`,
    captures: { 1: { name: scope }, 2: { name: 'keyword.operator.assignment.dockerfile' } },
  });
  instruction('ENV', 'env', [argsRegion('env-arguments', [
    {
      comment: 'Legacy `ENV name value...` form: the first word has no `=`.',
      match: R`\G([^\s="'$${E}]+)(?=[ \t]|$)`,
      captures: { 1: { name: 'variable.other.assignment.dockerfile' } },
    },
    assignment('variable.other.assignment.dockerfile'),
    ...words(null),
  ])]);
  instruction('ARG', 'arg', [argsRegion('arg-arguments', [
    {
      match: R`${WB}([A-Za-z_][A-Za-z0-9_.-]*)(?:(=)|${WE})`,
      captures: {
        1: { name: 'variable.other.assignment.dockerfile' },
        2: { name: 'keyword.operator.assignment.dockerfile' },
      },
    },
    ...words(null),
  ])]);
  instruction('LABEL', 'label', [argsRegion('label-arguments', [
    assignment('entity.other.attribute-name.label.dockerfile'),
    { match: R`(?<=["'])=`, name: 'keyword.operator.assignment.dockerfile' },
    ...words(null),
  ])]);
  instruction('MAINTAINER', 'maintainer', []);
  instruction('EXPOSE', 'expose', [
    {
      match: R`${WB}([0-9]+)(?:(-)([0-9]+))?(?:(/)([A-Za-z]+))?${WE}`,
      captures: {
        1: { name: 'constant.numeric.integer.port.dockerfile' },
        2: { name: 'punctuation.separator.range.dockerfile' },
        3: { name: 'constant.numeric.integer.port.dockerfile' },
        4: { name: 'punctuation.separator.protocol.dockerfile' },
        5: { name: 'constant.language.protocol.dockerfile' },
      },
    },
    ...words(null),
  ]);
  instruction('USER', 'user', [
    { match: ':', name: 'punctuation.separator.user-group.dockerfile' },
    { match: R`(?<![^\s:])[0-9]+(?=[:\s]|$)`, name: 'constant.numeric.integer.id.dockerfile' },
    ...words(null),
  ]);
  instruction('WORKDIR', 'workdir', words(null));
  instruction('STOPSIGNAL', 'stopsignal', [
    { match: R`${WB}[0-9]+${WE}`, name: 'constant.numeric.integer.signal.dockerfile' },
    { match: R`${WB}(?:SIG)?[A-Z][A-Z0-9]*(?:[+-][0-9]+)?${WE}`, name: 'constant.other.signal.dockerfile' },
    ...words(null),
  ]);
  def(m, 'healthcheck-cmd', {
    begin: R`${WB}((?i:CMD))(?=\s|$)`,
    beginCaptures: { 1: { name: KW } },
    end,
    name: 'meta.healthcheck.command.dockerfile',
    patterns: [...lineBasics, cmdArgs],
  });
  instruction('HEALTHCHECK', 'healthcheck', [
    { match: R`${WB}(?i:NONE)${WE}`, name: 'constant.language.none.dockerfile' },
    incm(m, 'healthcheck-cmd'),
    ...words(null),
  ]);
  instruction('ONBUILD', 'onbuild', [
    ...ONBUILD_ALLOWED.map((k) => incm(m, 'instruction-' + k)),
    incm(m, 'instruction-unknown'),
  ], { noFlags: true });

  def(m, 'instruction-unknown', {
    comment: 'Any other line: not an instruction BuildKit knows, but it still spans its continuation lines.',
    begin: R`(?:^|\G)[ \t]*(?=[^\s#${E}])`,
    end,
    name: 'meta.instruction.unknown.dockerfile',
    patterns: [...lineBasics, ...words(null)],
  });

  // ------------------------------------------------------------ heredocs
  // A heredoc is two nested rules: an outer begin/end rule whose zero-width begin captures the
  // delimiter (so its `end` can match the terminator line) and an inner begin/while rule that
  // holds the rest of the marker's line and the body. The while rule stops at the terminator
  // line and takes any embedded grammar's open regions with it, so nothing leaks past it.
  const marker = (chomp, quoted) =>
    R`(\d*)(<<${chomp ? '-' : '(?!-)'})` + (quoted ? R`(["'])(${W_QUOTED})(\3)` : R`()(${W_PLAIN})()`) + WE;
  const markerCaptures = {
    1: { name: 'constant.numeric.integer.file-descriptor.dockerfile' },
    2: { name: 'keyword.operator.heredoc.dockerfile' },
    3: { name: 'punctuation.definition.heredoc.quote.dockerfile' },
    4: { name: 'entity.name.tag.heredoc.dockerfile' },
    5: { name: 'punctuation.definition.heredoc.quote.dockerfile' },
  };
  const terminator = (chomp, n) => (chomp ? '^(\\t*)(\\' + n + ')$' : '^()(\\' + n + ')$');
  const stillBody = (chomp, n) => (chomp ? '^(?!\\t*\\' + n + '$)' : '^(?!\\' + n + '$)');
  const terminatorCaptures = { 2: { name: 'entity.name.tag.heredoc.dockerfile' } };
  const variants = [];
  for (const chomp of [true, false]) for (const quoted of [true, false]) variants.push({ chomp, quoted, id: `${chomp ? 'chomp' : 'plain'}-${quoted ? 'quoted' : 'unquoted'}` });

  for (const kind of ['run', 'copy']) {
    const restWords = kind === 'run' ? shellWords(null) : words(null);
    def(m, `heredoc-${kind}-rest-of-line`, {
      comment: 'The rest of the line holding the marker (more arguments), up to the end of the logical line.',
      begin: R`\G(?<=\S)[ \t]+(?=\S)`,
      end,
      patterns: [...lineBasics, inc('heredoc-marker'), ...restWords],
    });
    for (const quoted of [true, false]) {
      const q = quoted ? 'quoted' : 'unquoted';
      def(m, `heredoc-${kind}-body-${q}`, kind === 'run'
        ? {
            comment: 'A RUN heredoc body is a shell script (VS Code maps meta.embedded.shell to shellscript).',
            begin: '^',
            end: '(?!)',
            name: 'meta.embedded.shell',
            patterns: [
              { include: 'source.shell' },
              // Used only where no shell grammar is installed (a rule left without patterns would be dropped).
              inc('heredoc-shell-fallback'),
              ...(quoted ? [] : [inc('variable-simple'), incm(m, 'variable-braced')]),
            ],
          }
        : {
            comment: 'A COPY/ADD heredoc body is file content; BuildKit expands variables in it unless the delimiter is quoted.',
            begin: '^',
            end: '(?!)',
            name: 'string.unquoted.heredoc.dockerfile',
            patterns: quoted ? [] : [inc('variable-simple'), incm(m, 'variable-braced')],
          });
    }
    // One heredoc.
    for (const v of variants) {
      def(m, `heredoc-${kind}-${v.id}`, {
        begin: R`${WB}(?=${marker(v.chomp, v.quoted)})`,
        end: terminator(v.chomp, 4),
        endCaptures: terminatorCaptures,
        name: 'meta.heredoc.dockerfile',
        patterns: [{
          begin: R`\G${marker(v.chomp, v.quoted)}`,
          beginCaptures: markerCaptures,
          while: stillBody(v.chomp, 4),
          patterns: [incm(m, `heredoc-${kind}-rest-of-line`), incm(m, `heredoc-${kind}-body-${v.quoted ? 'quoted' : 'unquoted'}`)],
        }],
      });
    }
    // Two heredocs on one line: the outer pair of rules waits for the second delimiter; the first
    // heredoc is nested in it; the second body follows the first terminator.
    const ANY_MARKER = R`\d*<<-?(?:(["'])${W_QUOTED}\1|${W_PLAIN})${WE}`;
    const BETWEEN = R`(?:[^"'\n]|"[^"\n]*"|'[^'\n]*')*?`;
    for (const v of variants) {
      // group 1 is the first marker's quote; the second marker's groups are 2..6 (word = 5)
      const ahead = R`(?=${ANY_MARKER}${BETWEEN}${WB}${marker(v.chomp, v.quoted).replace(R`\3`, R`\4`)})`;
      def(m, `heredoc-${kind}-second-${v.id}`, {
        begin: WB + ahead,
        end: terminator(v.chomp, 5),
        endCaptures: terminatorCaptures,
        name: 'meta.heredoc.dockerfile',
        patterns: [{
          begin: R`\G${ahead}`,
          while: stillBody(v.chomp, 5),
          patterns: [
            ...variants.map((f) => incm(m, `heredoc-${kind}-${f.id}`)),
            incm(m, `heredoc-${kind}-body-${v.quoted ? 'quoted' : 'unquoted'}`),
          ],
        }],
      });
    }
    def(m, `heredoc-${kind}`, {
      patterns: [
        ...variants.map((v) => incm(m, `heredoc-${kind}-second-${v.id}`)),
        ...variants.map((v) => incm(m, `heredoc-${kind}-${v.id}`)),
      ],
    });
  }
}

const grammar = {
  information_for_contributors: [
    'Written for Layerwise from the BuildKit Dockerfile parser rules (moby/buildkit, Apache-2.0): parser directives, whole-line comments, line continuations, heredocs and the JSON/shell forms.',
    'Scope names follow the conventions of the Dockerfile grammar shipped with VS Code (microsoft/vscode extensions/docker, MIT, converted from moby/moby contrib, Apache-2.0); no patterns were copied from it.',
    'Every rule whose name ends in -backtick is the twin of the rule without the suffix, for files that start with the parser directive `# escape=``; change both together.',
    'Heredoc bodies under RUN include source.shell when that grammar is available (VS Code: the built-in shellscript grammar).',
  ],
  name: 'Dockerfile',
  scopeName: 'source.dockerfile.layerwise',
  fileTypes: ['Dockerfile', 'Containerfile', 'dockerfile', 'containerfile'],
  patterns: [inc('directives'), inc('statements')],
  repository: Object.fromEntries(Object.entries(repo).sort(([a], [b]) => a.localeCompare(b))),
};

process.stdout.write(JSON.stringify(grammar, null, '\t') + '\n');
