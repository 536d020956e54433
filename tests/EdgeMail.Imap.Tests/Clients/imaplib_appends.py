# Serial APPENDs with Python's imaplib, timed one by one.
# Usage: imaplib_appends.py PORT USER PASSWORD MAILBOX COUNT
# imaplib leaves Nagle's algorithm on and sends a synchronizing literal as imaplib does everywhere: the
# command, then after "+" the message and its closing CRLF as two writes (IMAP4._command).
# Prints one JSON object: {"results": [type of each APPEND], "ms": [milliseconds of each APPEND]}.
import imaplib
import json
import sys
import time

port, user, password, mailbox, count = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
M = imaplib.IMAP4("127.0.0.1", port)
M.login(user, password)
M.create(mailbox)
results, ms = [], []
for i in range(count):
    message = ("From: Bob <bob@example.org>\r\n"
               "To: Ann <ann@edgemail.local>\r\n"
               "Subject: append " + str(i) + "\r\n"
               "\r\n" + "A line of text.\r\n" * 20).encode("ascii")
    start = time.perf_counter()
    typ, _ = M.append(mailbox, None, None, message)
    ms.append((time.perf_counter() - start) * 1000)
    results.append(typ)
M.logout()
print(json.dumps({"results": results, "ms": ms}))
