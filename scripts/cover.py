#!/usr/bin/env python3
"""Merge the kept cover letter with a freshly generated one.

usage: cover.py <kept cover> <generated cover or missing> <base version>

Subject text and blurb come from the kept letter; the "[PATCH 00/NN]"
count, shortlog and diffstat from git's generated letter. The line starting
with "Base:" in the blurb is rewritten to the recorded package version.
"""
import os
import re
import sys

kept_path, gen_path, version = sys.argv[1:4]
base_line = f"Base: Debian package linux-source-6.12, version {version}"


def split(text):
    """Return (headers, body) of a format-patch mail."""
    head, _, body = text.partition("\n\n")
    return head, body


kept_head, kept_body = split(open(kept_path).read())
subject = re.search(r"^Subject: \[PATCH[^\]]*\] (.*(?:\n .*)*)", kept_head, re.M)
subject = subject.group(1).replace("\n", "") if subject else "KVM: arm64: protected VMs"
# The blurb is everything up to git's shortlog ("Name (N):") or the end.
blurb = re.split(r"^\S.* \(\d+\):$", kept_body, maxsplit=1, flags=re.M)[0]
blurb = re.sub(r"^Base:.*$", base_line, blurb.rstrip("\n"), flags=re.M)
if base_line not in blurb:
    blurb += "\n\n" + base_line

if os.path.exists(gen_path):
    gen_head, gen_body = split(open(gen_path).read())
    gen_head = gen_head.replace("*** SUBJECT HERE ***", subject)
    tail = gen_body.split("*** BLURB HERE ***", 1)[1].lstrip("\n")
    sys.stdout.write(f"{gen_head}\n\n{blurb}\n\n{tail}")
else:
    head = re.sub(r"^Subject: .*(\n .*)*", f"Subject: [PATCH 0/0] {subject}",
                  kept_head, flags=re.M)
    sys.stdout.write(f"{head}\n\n{blurb}\n")
