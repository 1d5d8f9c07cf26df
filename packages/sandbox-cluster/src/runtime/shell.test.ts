import { compileProgram, DEFAULT_RUN_SECONDS } from './shell';

const sh = (script: string, env?: Record<string, string>) =>
  compileProgram(['sh', '-c', script], undefined, {
    env,
    wallClock: s => Date.UTC(2026, 10, 27) + s * 1000,
  });

const lines = (script: string) =>
  sh(script).lines.map(l => `${l.at}:${l.text}`);

describe('the container shell subset', () => {
  it('runs echo/sleep/exit in order, with each line at its own time', () => {
    const program = sh('echo start; sleep 6; echo "done here"; exit 3');
    expect(program.lines).toEqual([
      { at: 0, text: 'start' },
      { at: 6, text: 'done here' },
    ]);
    expect(program.exitCode).toBe(3);
    expect(program.duration).toBe(6);
  });

  it('separates statements by newlines and && / ||', () => {
    expect(
      lines('echo a\nfalse && echo skipped\nfalse || echo b\ntrue && echo c'),
    ).toEqual(['0:a', '0:b', '0:c']);
    expect(sh('false').exitCode).toBe(1);
    expect(sh('false; true').exitCode).toBe(0);
  });

  it('strips quotes and expands variables, $((...)) and $(seq ...)', () => {
    expect(
      lines(`X=world; echo 'single $X' "double $X" \${X}s $((2 * 21))`),
    ).toEqual(['0:single $X double world worlds 42']);
    expect(
      lines('for i in $(seq 1 3); do echo "step $i"; sleep 1; done'),
    ).toEqual(['0:step 1', '1:step 2', '2:step 3']);
    expect(
      lines('i=0; while [ $i -lt 2 ]; do i=$((i + 1)); echo $i; done'),
    ).toEqual(['0:1', '0:2']);
  });

  it('passes container env and HOSTNAME', () => {
    expect(
      sh('echo $GREETING from $HOSTNAME', { GREETING: 'hi', HOSTNAME: 'pod-1' })
        .lines[0].text,
    ).toBe('hi from pod-1');
  });

  it('supports if/else, test, set -e and redirections', () => {
    expect(lines('if [ "a" = "b" ]; then echo yes; else echo no; fi')).toEqual([
      '0:no',
    ]);
    expect(lines('echo to-stderr >&2; echo hidden > /dev/null')).toEqual([
      '0:to-stderr',
    ]);
    const errexit = sh('set -e; echo before; false; echo after');
    expect(errexit.lines.map(l => l.text)).toEqual(['before']);
    expect(errexit.exitCode).toBe(1);
  });

  it('keeps $(date) meaningful and printf formats', () => {
    expect(lines('echo "now: $(date)"')).toEqual([
      '0:now: Fri Nov 27 00:00:00 UTC 2026',
    ]);
    expect(lines('printf "%s-%d\\n" a 7')).toEqual(['0:a-7']);
  });

  it('treats unknown commands as successful no-ops', () => {
    const program = sh('psql -c "select 1"; echo ok');
    expect(program.lines.map(l => l.text)).toEqual(['ok']);
    expect(program.exitCode).toBe(0);
  });

  it('runs forever for sleep infinity, tail -f and endless loops', () => {
    expect(sh('echo up; sleep infinity').duration).toBe(Infinity);
    expect(sh('tail -f /dev/null').duration).toBe(Infinity);
    const loop = sh('while true; do echo tick; sleep 1; done');
    expect(loop.duration).toBe(Infinity);
    expect(loop.lines.length).toBeGreaterThan(100);
  });

  it('runs non-shell commands and the image default', () => {
    expect(
      compileProgram(['echo', 'hello', 'world'], undefined).lines.map(
        l => l.text,
      ),
    ).toEqual(['hello world']);
    expect(compileProgram(['sleep', '5'], undefined).duration).toBe(5);
    expect(compileProgram(undefined, undefined)).toEqual({
      lines: [],
      duration: DEFAULT_RUN_SECONDS,
      exitCode: 0,
    });
    expect(
      compileProgram(['/usr/bin/python3', 'job.py'], undefined).duration,
    ).toBe(DEFAULT_RUN_SECONDS);
    expect(
      compileProgram(['/bin/bash', '-ec'], ['echo via args; exit 4']).exitCode,
    ).toBe(4);
  });

  it('says so in the log when the script uses syntax it does not know', () => {
    const program = sh('case $x in a) echo a;; esac');
    expect(program.exitCode).toBe(2);
    expect(program.lines[0].text).toMatch(
      /^sh: syntax error \(sandbox shell subset\)/,
    );
  });
});
