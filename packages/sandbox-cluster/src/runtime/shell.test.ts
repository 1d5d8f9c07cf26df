import { compileProgram, DEFAULT_RUN_SECONDS } from './shell';

const sh = (script: string, env?: Record<string, string>) =>
  compileProgram(['sh', '-c', script], undefined, env);

const lines = (script: string, env?: Record<string, string>) =>
  sh(script, env).lines.map(l => `${l.at}:${l.text}`);

describe('the container shell subset', () => {
  it('runs echo/sleep/exit in order, with each line at its own time', () => {
    const program = sh('echo start; sleep 6; echo "done here"\nexit 3');
    expect(program.lines).toEqual([
      { at: 0, text: 'start' },
      { at: 6, text: 'done here' },
    ]);
    expect(program.exitCode).toBe(3);
    expect(program.duration).toBe(6);
    expect(sh('false').exitCode).toBe(1);
    expect(sh('false; true').exitCode).toBe(0);
  });

  it('logs standard error like standard output', () => {
    expect(lines('echo checking; echo "1 of 3 failed" >&2; exit 3')).toEqual([
      '0:checking',
      '0:1 of 3 failed',
    ]);
  });

  it('strips quotes and expands variables, $((...)) and $(seq ...)', () => {
    expect(
      lines(`X=world; echo 'single $X' "double $X" \${X}s $((2 * (3 + 18)))`),
    ).toEqual(['0:single $X double world worlds 42']);
    expect(
      lines(
        'for i in $(seq 1 3); do\n  sleep 1\n  echo "Indexed $((i * 1200)) ($i%)"\ndone',
      ),
    ).toEqual([
      '1:Indexed 1200 (1%)',
      '2:Indexed 2400 (2%)',
      '3:Indexed 3600 (3%)',
    ]);
    expect(lines('for m in a b; do echo "[$m]"; done; echo $(seq 2)')).toEqual([
      '0:[a]',
      '0:[b]',
      '0:1 2',
    ]);
  });

  it('reads the container environment', () => {
    expect(
      lines('echo "limit=[$LIMIT]" $GREETING', { GREETING: 'hi' }),
    ).toEqual(['0:limit=[] hi']);
  });

  it('runs if/else with test', () => {
    const script =
      'if [ -z "$DAY" ]; then DAY=yesterday; fi\nif [ "$DRY" = "true" ]; then echo "dry $DAY"; else echo "wet $DAY"; fi';
    expect(lines(script)).toEqual(['0:wet yesterday']);
    expect(lines(script, { DAY: 'monday', DRY: 'true' })).toEqual([
      '0:dry monday',
    ]);
  });

  it('does not find other commands, as in a busybox image', () => {
    const program = sh('psql -c "select 1"; echo done');
    expect(program.lines.map(l => l.text)).toEqual([
      'sh: psql: not found',
      'done',
    ]);
    expect(sh('curl x').exitCode).toBe(127);
  });

  it('runs other commands and the image default for a while, silently', () => {
    const silent = { lines: [], duration: DEFAULT_RUN_SECONDS, exitCode: 0 };
    expect(compileProgram(undefined, undefined)).toEqual(silent);
    expect(compileProgram(['/usr/bin/python3', 'job.py'], undefined)).toEqual(
      silent,
    );
    expect(compileProgram(['/bin/sh'], ['-c', 'exit 4']).exitCode).toBe(4);
  });

  it('says so in the log when the script leaves the subset', () => {
    for (const script of [
      'case $x in a) echo a;; esac',
      'echo a | cat',
      'while true; do sleep 1; done',
      'echo ${X:-default}',
      'echo -n x',
      'echo $?',
    ]) {
      const program = sh(script);
      expect(program.exitCode).toBe(2);
      expect(program.lines[0].text).toMatch(
        /^sh: .* \(sandbox shell subset\)$/,
      );
    }
    expect(compileProgram(['bash', '-ec', 'echo x'], undefined).exitCode).toBe(
      2,
    );
  });
});
