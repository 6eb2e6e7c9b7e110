import smtplib
import socket
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from notification.dev_smtp_catcher import SavingHandler


def test_the_run_command_catcher_saves_each_message_as_an_eml_file(tmp_path, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(SavingHandler(tmp_path / "mail"), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.test", "b@x.test", "Bonjour"
        message.set_content("Corps")
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(message)
    finally:
        controller.stop()
    [saved] = (tmp_path / "mail").glob("*.eml")
    assert saved.name == "00001-b@x.test.eml" and b"Corps" in saved.read_bytes()
    assert "mail to b@x.test: Bonjour" in capsys.readouterr().out
