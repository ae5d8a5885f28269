#!/usr/bin/env python3
"""Say where the CPUs of a hung QEMU guest are, before it is killed.

    hang-report.py <monitor-socket> <console-log> <vmlinux> <dump-file>

Talks to QEMU's HMP monitor on a unix socket: stops the machine, reads
"info registers -a", and names each CPU's exception level, PC as
symbol+offset in vmlinux, and x0-x3. Prints one line,
"CPU0 EL2 handle_host_mem_abort+0x120 (x0=...), CPU1 EL1 cpu_do_idle+0x8 (...)",
and writes everything the monitor said to <dump-file>. It does not kill QEMU.

PCs are resolved like this:
  EL1  a kernel VA. If it translates (gva2gpa on that CPU) into the host
       kernel's code, it is the host; otherwise the CPU is in a guest, named
       "EL1 guest" (a pvm_boot guest runs this very Image, so its symbols
       still resolve).
  EL2  a hypervisor VA: gva2gpa on that CPU gives its physical address, and
       the kernel's code (PA range from tests/init's "pvm-harness: kernel
       code <start>-<end>" console line, /proc/iomem's "Kernel code", which
       starts at _text) gives the vmlinux VA: VA = PA - start + VA(_text).
       Hypervisor symbols lose their "__kvm_nvhe_" prefix.
  EL0  user space; not resolved.
"""
import bisect
import re
import socket
import subprocess
import sys
import time

ANSI = re.compile(rb"\x1b\[[0-9;]*[A-Za-z]")
PROMPT = b"(qemu) "


class Monitor:
    def __init__(self, path, timeout=30):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self._read_to_prompt()          # the banner

    def _read_to_prompt(self):
        buf = b""
        while not buf.endswith(PROMPT):
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the monitor closed the connection")
            buf += chunk
        return buf[: -len(PROMPT)]

    def cmd(self, line):
        """Run one command; return its output without the echoed command."""
        self.sock.sendall(line.encode() + b"\n")
        out = ANSI.sub(b"", self._read_to_prompt()).replace(b"\r", b"")
        out = out.decode(errors="replace")
        # The monitor echoes the command line first (readline redraws).
        return out.split("\n", 1)[1] if "\n" in out else ""


class Symbols:
    """Text symbols of vmlinux, for address -> symbol+offset."""

    def __init__(self, vmlinux):
        self.addrs, self.names, self.by_name = [], [], {}
        nm = subprocess.run(["aarch64-linux-gnu-nm", "-n", vmlinux],
                            capture_output=True, text=True, check=True).stdout
        for line in nm.splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue
            addr, kind, name = int(parts[0], 16), parts[1], parts[2]
            self.by_name.setdefault(name, addr)
            if kind in "tTwW" and not name.startswith("$"):
                self.addrs.append(addr)
                self.names.append(name)
        self.etext = self.by_name.get("_etext", 0)

    def resolve(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        if i < 0 or addr >= self.etext:
            return None
        name = self.names[i]
        if name.startswith("__kvm_nvhe_"):
            name = name[len("__kvm_nvhe_"):]
        return "%s+%#x" % (name, addr - self.addrs[i])


def parse_cpus(text):
    """"info registers -a" -> [{cpu, pc, el, x0..x3}] (AArch64 CPUs)."""
    cpus = []
    for m in re.finditer(r"^CPU#(\d+)\n(.*?)(?=^CPU#|\Z)", text, re.M | re.S):
        body = m.group(2)
        regs = dict((k, int(v, 16)) for k, v in
                    re.findall(r"\b(PC|X0[0-3]|PSTATE)=([0-9a-f]+)", body))
        cpu = {"cpu": int(m.group(1)), "regs": regs}
        el = re.search(r"PSTATE=[0-9a-f]+ \S+ (EL[0-3])[ht]", body)
        if el:
            cpu["el"] = el.group(1)
        elif "PSTATE" in regs:
            cpu["el"] = "EL%d" % ((regs["PSTATE"] >> 2) & 3)
        else:
            cpu["el"] = "AArch32"       # a 32-bit guest: no PC= line
        cpus.append(cpu)
    return cpus


def kernel_code(console):
    """PA range of the kernel's code from the console, or None."""
    try:
        with open(console, errors="replace") as f:
            for line in f:
                m = re.match(r"pvm-harness: kernel code ([0-9a-f]+)-([0-9a-f]+)", line)
                if m:
                    return int(m.group(1), 16), int(m.group(2), 16)
    except OSError:
        pass
    return None


def gva2gpa(mon, dump, cpu, va):
    mon.cmd("cpu %d" % cpu)
    out = mon.cmd("gva2gpa %#x" % va)
    dump.write("cpu %d: gva2gpa %#x: %s\n" % (cpu, va, out.strip()))
    m = re.search(r"gpa: (0x[0-9a-f]+)", out)
    return int(m.group(1), 16) if m else None


def main():
    sock, console, vmlinux, dump_path = sys.argv[1:5]
    syms = Symbols(vmlinux)
    text_va = syms.by_name.get("_text")
    kcode = kernel_code(console)
    with open(dump_path, "w") as dump:
        dump.write("hang report %s\nconsole: %s\nkernel code: %s\n\n" % (
            time.strftime("%F %T"), console,
            "%#x-%#x" % kcode if kcode else "unknown (no 'pvm-harness: kernel code' line)"))
        try:
            mon = Monitor(sock)
            mon.cmd("stop")
            regs = mon.cmd("info registers -a")
        except (OSError, EOFError) as e:
            print("no answer from the QEMU monitor (%s)" % e)
            dump.write("monitor: %s\n" % e)
            return
        dump.write("=== info registers -a\n%s\n=== translations\n" % regs)
        cpus = parse_cpus(regs)
        # No console line (a hang before /init): find _text through a CPU at
        # EL1, which before /init can only be the host kernel.
        if kcode is None and text_va is not None:
            for c in cpus:
                if c["el"] == "EL1":
                    pa = gva2gpa(mon, dump, c["cpu"], text_va)
                    if pa is not None:
                        kcode = (pa, pa + syms.etext - text_va)
                        break

        def in_kernel(pa):
            return kcode is not None and pa is not None and kcode[0] <= pa <= kcode[1]

        parts = []
        for c in cpus:
            r, el = c["regs"], c["el"]
            pc = r.get("PC")
            where = None
            if pc is None:
                where = "(no PC)"
            elif el == "EL2":
                pa = gva2gpa(mon, dump, c["cpu"], pc)
                if in_kernel(pa):
                    where = syms.resolve(pa - kcode[0] + text_va)
                if where is None:
                    where = "pc=%#x%s" % (pc, " pa=%#x" % pa if pa is not None else "")
            elif el == "EL1":
                guest = False
                if kcode is not None:
                    guest = not in_kernel(gva2gpa(mon, dump, c["cpu"], pc))
                if guest:
                    el = "EL1 guest"
                where = syms.resolve(pc) or "pc=%#x" % pc
            else:
                where = "pc=%#x" % pc
            xs = " ".join("x%d=%#x" % (i, r["X0%d" % i])
                          for i in range(4) if "X0%d" % i in r)
            parts.append("CPU%d %s %s%s" % (c["cpu"], el, where,
                                            " (%s)" % xs if xs else ""))
        summary = ", ".join(parts) or "no CPU state from the monitor"
        dump.write("\n=== summary\n%s\n" % summary)
        print(summary)


if __name__ == "__main__":
    main()
