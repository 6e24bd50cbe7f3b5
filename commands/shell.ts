// The one place that turns argv into text for a remote POSIX shell (sh, dash, bash, zsh).
// SSH hands the command line to the login shell, so every argument must survive it byte-exactly.
// Nothing else in Sextant concatenates shell text.

// Words made only of these characters mean the same quoted or not, so they stay bare and logs
// stay readable. A leading '=' is excluded because zsh expands `=cmd` to a path.
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/** POSIX single-quote one argument; `'` becomes `'\''`. Any string is safe (NUL cannot be in argv). */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('argument contains a NUL byte, which no process argument can carry');
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** argv → one command line for a remote shell; each element stays one argument. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * Splits a `cmd:` string from deploy.yml into argv the way the host's shell would split it in Kamal
 * (Kamal pastes the string into its remote command line). Quotes and backslashes work as in sh;
 * anything the host shell would *evaluate* (expansions, pipes, redirects, comments, `~`) is
 * refused, because Sextant runs argv without a host shell and would silently do something else.
 * Glob characters stay literal: in Kamal they only expanded if they matched a file in the SSH
 * user's home, which no working config relies on.
 */
export function shellSplit(cmd: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  const refuse = (what: string): never => {
    throw new Error(
      `cmd ${JSON.stringify(cmd)} uses ${what}, which the host shell would evaluate and Sextant does not; ` +
        `quote it, or run it in the container's shell: cmd: sh -c '...'`,
    );
  };
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === "'") {
      const end = cmd.indexOf("'", i + 1);
      if (end < 0) throw new Error(`cmd ${JSON.stringify(cmd)} has an unterminated single quote`);
      word += cmd.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      for (i++; ; i++) {
        if (i >= cmd.length) throw new Error(`cmd ${JSON.stringify(cmd)} has an unterminated double quote`);
        const d = cmd[i]!;
        if (d === '"') break;
        if (d === '$' || d === '`') refuse(`${d} inside double quotes`);
        if (d === '\\' && i + 1 < cmd.length && '"\\$`\n'.includes(cmd[i + 1]!)) {
          i++;
          if (cmd[i] !== '\n') word += cmd[i];
        } else {
          word += d;
        }
      }
    } else if (c === '\\') {
      if (i + 1 >= cmd.length) throw new Error(`cmd ${JSON.stringify(cmd)} ends with a lone backslash`);
      i++;
      if (cmd[i] !== '\n') {
        word += cmd[i];
        inWord = true;
      }
    } else if ('$`|&;<>()'.includes(c)) {
      refuse(`unquoted ${c}`);
    } else if (!inWord && (c === '#' || c === '~')) {
      refuse(c === '#' ? 'a # comment' : 'a ~ home-directory expansion');
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
