/**
 * The platform a native binary was built for, read from its header (ELF, Mach-O or PE) rather than from its name, as
 * VS Code's platform names spell it: linux-x64, darwin-arm64, win32-x64, … The packaging tests check each VSIX's
 * native files with it.
 */

/** ELF e_machine, Mach-O cputype and PE machine values, to VS Code's CPU names. */
const ELF_MACHINES: Record<number, string> = { 62: 'x64', 183: 'arm64', 40: 'arm', 3: 'ia32' };
const MACHO_CPUS: Record<number, string> = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINES: Record<number, string> = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32' };

/** How many leading bytes binaryPlatform needs (a PE header starts where the DOS header's e_lfanew says: a few hundred bytes in). */
export const HEADER_BYTES = 4096;

/**
 * "<os>-<cpu>" of an executable or shared library from its first bytes; "darwin-universal" for a fat Mach-O; undefined
 * when the bytes are none of these formats (or a CPU not listed above).
 */
export function binaryPlatform(head: Buffer): string | undefined {
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    const cpu = ELF_MACHINES[head.readUInt16LE(18)];
    return cpu && `linux-${cpu}`;
  }
  if (head.length >= 8 && head.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = MACHO_CPUS[head.readUInt32LE(4)];
    return cpu && `darwin-${cpu}`;
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0xcafebabe) return 'darwin-universal';
  if (head.length >= 0x40 && head.toString('latin1', 0, 2) === 'MZ') {
    const pe = head.readUInt32LE(0x3c);
    if (pe + 6 > head.length || head.toString('latin1', pe, pe + 4) !== 'PE\0\0') return undefined;
    const cpu = PE_MACHINES[head.readUInt16LE(pe + 4)];
    return cpu && `win32-${cpu}`;
  }
  return undefined;
}
