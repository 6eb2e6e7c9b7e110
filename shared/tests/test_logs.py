import json
import logging

from platform_shared.logs import JsonFormatter, correlation_id_var


def test_a_log_line_is_json_with_the_correlation_id_and_extras():
    record = logging.LogRecord("svc", logging.INFO, __file__, 1, "handled %s", ("x",), None)
    record.event_id = "e-1"
    token = correlation_id_var.set("req-9")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        correlation_id_var.reset(token)
    assert line["msg"] == "handled x"
    assert line["correlation_id"] == "req-9"
    assert line["event_id"] == "e-1"
    assert line["level"] == "INFO"
