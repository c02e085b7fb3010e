"""An aiosmtpd handler for the outreach e-mail tests: every accepted message
is written to DIR as <n>.eml (the envelope sender and recipients on the
first two lines, then the message). Recipients whose address contains
"reject5" are refused with 550, those with "defer4" with 451.

    PYTHONPATH=tests/outreach /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT \
        -c smtp_sink.DirHandler DIR
"""
import itertools
import os


class DirHandler:
    @classmethod
    def from_cli(cls, parser, *args):
        """aiosmtpd's -c passes the arguments after the class path here."""
        if len(args) != 1:
            parser.error("smtp_sink.DirHandler takes one argument: the folder")
        return cls(args[0])

    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.counter = itertools.count()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject5" in address:
            return "550 5.1.1 no such user"
        if "defer4" in address:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        tmp = os.path.join(self.directory, f"{n}.tmp")
        with open(tmp, "wb") as f:
            f.write(f"MAIL FROM:{envelope.mail_from}\r\n".encode())
            f.write(f"RCPT TO:{','.join(envelope.rcpt_tos)}\r\n".encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.directory, f"{n}.eml"))
        return "250 Message accepted"
