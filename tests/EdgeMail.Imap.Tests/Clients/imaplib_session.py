# A scripted session with Python's imaplib against the server under test.
# Usage: imaplib_session.py PORT USER PASSWORD
# Prints one JSON object: every step's (type, data) with bytes decoded, for the test to assert on.
import datetime
import imaplib
import json
import ssl
import sys

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
results = {}


def norm(x):
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace")
    if isinstance(x, (list, tuple)):
        return [norm(i) for i in x]
    return x


def step(key, call):
    try:
        results[key] = norm(call())
    except Exception as e:  # imaplib raises on NO/BAD; record it for the test to show
        results[key] = ["EXCEPTION", type(e).__name__ + ": " + str(e)]


def message(subject, body, extra=""):
    return ("From: Bob <bob@example.org>\r\n"
            "To: Ann <ann@edgemail.local>\r\n"
            "Subject: " + subject + "\r\n"
            "Date: Mon, 15 Jan 2024 10:30:00 +0200\r\n"
            "Message-ID: <" + subject.replace(" ", ".") + "@example.org>\r\n"
            + extra +
            "\r\n" + body).encode("ascii")


tz = datetime.timezone(datetime.timedelta(hours=2))
M = imaplib.IMAP4("127.0.0.1", port)
step("login", lambda: M.login(user, password))
step("capability", lambda: M.capability())
step("list", lambda: M.list())
step("create", lambda: M.create("py-a"))
step("create_child", lambda: M.create("py-a/sub"))
step("rename", lambda: M.rename("py-a", "py-b"))
step("list_renamed", lambda: M.list("\"\"", "py-*"))
step("delete_child", lambda: M.delete("py-b/sub"))
step("delete", lambda: M.delete("py-b"))
step("list_deleted", lambda: M.list("\"\"", "py-*"))

step("create_work", lambda: M.create("pywork"))
step("create_other", lambda: M.create("pyother"))
step("append1", lambda: M.append("pywork", r"(\Flagged)",
                                 imaplib.Time2Internaldate(datetime.datetime(2024, 1, 15, 10, 30, 0, tzinfo=tz)),
                                 message("first python message", "0123456789abcdefghij\r\nsecond line\r\n")))
step("append2", lambda: M.append("pywork", None,
                                 imaplib.Time2Internaldate(datetime.datetime(2024, 3, 10, 8, 0, 0, tzinfo=tz)),
                                 message("second python message", ("filler text " * 300) + "\r\n", "X-Project: apollo\r\n")))
step("append3", lambda: M.append("pywork", r"(\Seen)",
                                 imaplib.Time2Internaldate(datetime.datetime(2024, 6, 1, 12, 0, 0, tzinfo=tz)),
                                 message("third python message", "short\r\n")))

step("examine", lambda: list(M.select("pywork", readonly=True)) + [M.response("READ-ONLY")])
step("examine_fetch_text", lambda: M.fetch("1", "(BODY[TEXT]<0.10>)"))
step("examine_flags", lambda: M.fetch("1", "(FLAGS)"))
step("select", lambda: list(M.select("pywork")) + [M.response("READ-WRITE")])
step("fetch_flags", lambda: M.fetch("1:*", "(FLAGS)"))
step("fetch_subject", lambda: M.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
step("fetch_text_partial", lambda: M.fetch("1", "(BODY[TEXT]<0.10>)"))
step("fetch_size_date", lambda: M.fetch("1", "(RFC822.SIZE INTERNALDATE)"))
step("fetch_flags_after_text", lambda: M.fetch("1", "(FLAGS)"))
step("store", lambda: M.store("2", "+FLAGS", r"(\Answered $Work)"))

step("search_all", lambda: M.search(None, "ALL"))
step("search_or", lambda: M.search(None, "OR", "FLAGGED", "ANSWERED"))
step("search_not", lambda: M.search(None, "NOT", "SEEN"))
step("search_uid_range", lambda: M.uid("SEARCH", "UID", "2:*"))
step("search_since", lambda: M.search(None, "SINCE", "1-Feb-2024"))
step("search_before", lambda: M.search(None, "BEFORE", "1-Feb-2024"))
step("search_header", lambda: M.search(None, "HEADER", "X-Project", "apollo"))
step("search_larger", lambda: M.search(None, "LARGER", "2000"))
step("search_keyword_and_not", lambda: M.search(None, "KEYWORD", "$Work", "NOT", "FLAGGED"))

step("uids", lambda: M.uid("SEARCH", "ALL"))
step("copy", lambda: M.copy("1", "pyother"))
step("uid_move", lambda: M.uid("MOVE", results["uids"][1][0].split()[2], "pyother"))
step("after_move", lambda: M.search(None, "ALL"))
step("store_deleted", lambda: M.store("1", "+FLAGS.SILENT", r"(\Deleted)"))
step("expunge", lambda: M.expunge())
step("after_expunge", lambda: M.fetch("1:*", "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
step("status", lambda: M.status("pyother", "(MESSAGES UIDNEXT UNSEEN)"))
step("namespace", lambda: M.namespace())


def id_command():
    typ, data = M.xatom("ID", '("name" "imaplib" "version" "3")')
    return [typ, data, M.response("ID")[1]]


step("id", id_command)
step("unselect", lambda: M.unselect())
step("logout", lambda: M.logout())

# imaplib's AUTHENTICATE sends no initial response and waits for the server's empty challenge.
M2 = imaplib.IMAP4("127.0.0.1", port)
step("authenticate_plain", lambda: M2.authenticate("PLAIN", lambda _: ("\0" + user + "\0" + password).encode()))
step("authenticated_select", lambda: M2.select("INBOX", readonly=True))
M2.logout()

# STARTTLS on the plain port (the test server's certificate is self-signed), then LOGIN inside TLS.
M3 = imaplib.IMAP4("127.0.0.1", port)
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
step("starttls", lambda: M3.starttls(context))
step("starttls_login", lambda: M3.login(user, password))
step("starttls_select", lambda: M3.select("INBOX", readonly=True))
M3.logout()
print(json.dumps(results))
