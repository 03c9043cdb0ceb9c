import { describe, expect, it } from 'vitest';
import { expandWord, expandWords } from './expand';
import type { ExpandEnv } from './expand';
import { incompleteMessage, lex } from './lexer';
import type { Command, List } from './parser';
import { needsMoreInput, parse, parseAtEof } from './parser';

const VARS: Record<string, string> = { HOME: '/root', X: 'a b', EMPTY: '', POD: 'web-1', '?': '0' };
const env: ExpandEnv = {
  lookup: (n) => VARS[n],
  home: '/root',
  substitute: (s) => `<${s}>\n`,
};

/** A readable form of a parsed input: each simple command's argv, operators, redirections. */
function show(list: List): string[] {
  const out: string[] = [];
  const cmd = (c: Command): string => {
    if (c.type !== 'simple') return `<${c.type}>`;
    const parts = [
      ...c.assigns.map((a) => `${a.name}=${expandWord(a.value, env)}`),
      ...expandWords(c.words, env).map((w) => JSON.stringify(w)),
      ...c.redirects.map((r) => `${r.fd}${r.op}${JSON.stringify(expandWord(r.target, env))}`),
    ];
    return parts.join(' ');
  };
  for (const ao of list) {
    let s = (ao.first.bang ? '! ' : '') + ao.first.commands.map(cmd).join(' | ');
    for (const r of ao.rest) s += ` ${r.op} ` + r.pipeline.commands.map(cmd).join(' | ');
    out.push(s);
  }
  return out;
}

function shown(input: string): string[] {
  const r = parse(input);
  if (!r.ok) throw new Error(`parse failed: ${r.message}`);
  return show(r.list);
}

describe('words and quoting', () => {
  it.each([
    ['echo hello world', ['"echo" "hello" "world"']],
    ['echo \'a  b\' "c  d"', ['"echo" "a  b" "c  d"']],
    ["echo 'it''s'", ['"echo" "its"']],
    ['echo "say \\"hi\\" \\\\ \\$HOME"', ['"echo" "say \\"hi\\" \\\\ $HOME"']],
    ['echo \\$HOME \\"x\\" a\\ b', ['"echo" "$HOME" "\\"x\\"" "a b"']],
    ['echo \'$HOME\' "$HOME" $HOME ${HOME}/x', ['"echo" "$HOME" "/root" "/root" "/root/x"']],
    ['echo $X "$X"', ['"echo" "a" "b" "a b"']],
    ['echo $EMPTY "" x', ['"echo" "" "x"']],
    ['echo $? $NOPE.', ['"echo" "0" "."']],
    ['echo ~ ~/test a~', ['"echo" "/root" "/root/test" "a~"']],
    ['echo "a"b\'c\'d', ['"echo" "abcd"']],
    ['echo $(hostname) "$(date)"', ['"echo" "<hostname>" "<date>"']],
    ['echo `hostname`', ['"echo" "<hostname>"']],
    ['echo a # a comment', ['"echo" "a"']],
    ['echo a#b', ['"echo" "a#b"']],
    ['echo "#not" \'#comment\'', ['"echo" "#not" "#comment"']],
    ['echo a \\\nb', ['"echo" "a" "b"']],
    ['echo $5 costs', ['"echo" "costs"']],
    ['echo a$', ['"echo" "a$"']],
    [
      'echo $((2 + 3 * 4)) $(( (2+3)*4 )) $((10 / 3)) $((10 % 3)) $((2**10))',
      ['"echo" "14" "20" "3" "1" "1024"'],
    ],
    ['echo $((POD + 1)) $((-3 < 2)) $(( (1) ))', ['"echo" "1" "1" "1"']],
    ['echo "$( (echo sub) )"', ['"echo" "< (echo sub) >"']],
  ])('%s', (input, expected) => {
    expect(shown(input)).toEqual(expected);
  });
});

describe('operators, redirections and `--`', () => {
  it.each([
    ['cat x.yml | kubectl apply -f -', ['"cat" "x.yml" | "kubectl" "apply" "-f" "-"']],
    ['kubectl exec -it bb -- sh -c "ls /"', ['"kubectl" "exec" "-it" "bb" "--" "sh" "-c" "ls /"']],
    [
      'kubectl run x --image=busybox -- sleep 3600',
      ['"kubectl" "run" "x" "--image=busybox" "--" "sleep" "3600"'],
    ],
    ['a; b && c || d', ['"a"', '"b" && "c" || "d"']],
    ['a & b', ['"a"', '"b"']],
    ['a\nb\n', ['"a"', '"b"']],
    ['! false', ['! "false"']],
    ['echo hi > f', ['"echo" "hi" 1>"f"']],
    ['echo hi >> f', ['"echo" "hi" 1>>"f"']],
    ['cmd 2>/dev/null', ['"cmd" 2>"/dev/null"']],
    ['cmd > out 2>&1', ['"cmd" 1>"out" 2>&"1"']],
    ['cmd &> all', ['"cmd" 1&>"all"']],
    ['cmd < in', ['"cmd" 0<"in"']],
    ['cat <<< "$POD"', ['"cat" 0<<<"web-1"']],
    ['>f echo x', ['"echo" "x" 1>"f"']],
    ['X=1 Y=$POD', ['X=1 Y=web-1']],
    ['X=1 env', ['X=1 "env"']],
    ['echo X=1', ['"echo" "X=1"']],
    ['kubectl get pods|grep web|wc -l', ['"kubectl" "get" "pods" | "grep" "web" | "wc" "-l"']],
    ['echo a2>f', ['"echo" "a2" 1>"f"']],
  ])('%s', (input, expected) => {
    expect(shown(input)).toEqual(expected);
  });
});

describe('here-documents', () => {
  it('reads the body after the line and expands it', () => {
    const r = parse('cat > f <<EOF\nname: $POD\nhome: ~ \\$HOME "q"\nEOF');
    expect(r.ok && show(r.list)).toEqual([
      '"cat" 1>"f" 0<<"name: web-1\\nhome: ~ $HOME \\"q\\"\\n"',
    ]);
  });

  it.each([
    ["cat <<'EOF'\n$POD\nEOF", '"cat" 0<<"$POD\\n"'],
    ['cat <<"EOF"\n$POD\nEOF', '"cat" 0<<"$POD\\n"'],
    ['cat <<\\EOF\n$POD\nEOF', '"cat" 0<<"$POD\\n"'],
    ['cat <<-EOF\n\t\tindented\n\tEOF', '"cat" 0<<-"indented\\n"'],
    ['cat <<EOF > f\nx\nEOF', '"cat" 0<<"x\\n" 1>"f"'],
    ['cat <<EOF\nEOF', '"cat" 0<<""'],
  ])('%s', (input, expected) => {
    const r = parse(input);
    expect(r.ok && show(r.list)).toEqual([expected]);
  });

  it('reads two bodies in order, then the next command', () => {
    const r = parse('cat <<A <<B\n1\nA\n2\nB\necho done');
    expect(r.ok && show(r.list)).toEqual(['"cat" 0<<"1\\n" 0<<"2\\n"', '"echo" "done"']);
  });

  it('keeps EOF inside the body when it is not alone on its line', () => {
    const r = parse('cat <<EOF\nEOF x\n EOF\nEOF');
    expect(r.ok && show(r.list)).toEqual(['"cat" 0<<"EOF x\\n EOF\\n"']);
  });
});

describe('incomplete input: bash would print `> ` and read on', () => {
  it.each([
    ["echo 'abc", true],
    ['echo "abc', true],
    ['echo $(date', true],
    ['echo `date', true],
    ['echo abc \\', true],
    ['cat x.yml |', true],
    ['true &&', true],
    ['false ||', true],
    ['cat <<EOF', true],
    ['cat <<EOF\nline', true],
    ['for i in 1 2; do', true],
    ['for i in 1 2; do echo $i', true],
    ['if true; then', true],
    ['while false; do :', true],
    ['echo done', false],
    ["echo 'a\nb'", false],
    ['cat <<EOF\nline\nEOF', false],
    ['for i in 1 2; do echo $i; done', false],
    ['| x', false],
  ])('%j → %s', (input, more) => {
    expect(needsMoreInput(input)).toBe(more);
  });

  it('says what bash says when a script ends inside a quote', () => {
    expect(parseAtEof("echo 'abc")).toEqual({
      ok: false,
      message:
        "unexpected EOF while looking for matching `''\nsyntax error: unexpected end of file",
    });
    expect(incompleteMessage('double-quote')).toBe(
      'unexpected EOF while looking for matching `"\'',
    );
  });

  it('runs an unterminated here-document with bash’s warning', () => {
    const r = parseAtEof('cat <<EOF\nabc');
    expect(r.ok && r.warnings).toEqual([
      "warning: here-document at line 2 delimited by end-of-file (wanted `EOF')",
    ]);
    expect(r.ok && show(r.list)).toEqual(['"cat" 0<<"abc\\n"']);
  });

  it('reports why the lexer stopped', () => {
    expect(lex("a 'b").incomplete).toBe('single-quote');
    expect(lex('a "b').incomplete).toBe('double-quote');
    expect(lex('cat <<EOF').incomplete).toBe('heredoc');
    expect(lex('a\\').incomplete).toBe('escape');
    expect(lex('a b').incomplete).toBeUndefined();
  });
});

describe('syntax errors', () => {
  it.each([
    ['| grep x', "syntax error near unexpected token `|'"],
    ['echo a ;; echo b', "syntax error near unexpected token `;;'"],
    ['echo >', "syntax error near unexpected token `newline'"],
    ['echo > | x', "syntax error near unexpected token `|'"],
    ['done', "syntax error near unexpected token `done'"],
    ['a && && b', "syntax error near unexpected token `&&'"],
    ['(echo', 'syntax error: unexpected end of file'],
  ])('%s', (input, message) => {
    expect(parseAtEof(input)).toEqual({ ok: false, message });
  });
});

describe('compound commands', () => {
  it('parses for, if and while', () => {
    const r = parse(
      'for p in a b; do echo $p; done; if test -f x; then echo y; elif false; then :; else echo n; fi; while false; do :; done',
    );
    expect(r.ok && r.list.map((ao) => ao.first.commands[0]?.type)).toEqual(['for', 'if', 'while']);
  });

  it('takes reserved words only unquoted and in command position', () => {
    expect(shown('echo for do done')).toEqual(['"echo" "for" "do" "done"']);
    expect(shown("'for' x")).toEqual(['"for" "x"']);
  });
});
