# A test upstream: aiosmtpd (Debian's python3-aiosmtpd) on 127.0.0.1:PORT writing each message to a file in DIR.
# Recipients whose local part starts with "reject" get 550. Runs until standard input closes.
import os
import sys
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

# Like Postfix, take lines longer than RFC 5321's 1000 octets, so that a test sees what was relayed as it was.
SMTP.line_length_limit = 1 << 20

port = int(sys.argv[1])
out = sys.argv[2]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split('@')[0].startswith('reject'):
            return '550 5.1.1 <%s>: mailbox unavailable' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(out, uuid.uuid4().hex + '.eml')
        with open(name + '.tmp', 'wb') as f:
            f.write(('X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n' % (envelope.mail_from, ','.join(envelope.rcpt_tos))).encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(name + '.tmp', name)
        return '250 2.0.0 OK'


controller = Controller(Handler(), hostname='127.0.0.1', port=port)
controller.start()
print('READY', flush=True)
sys.stdin.read()
controller.stop()
