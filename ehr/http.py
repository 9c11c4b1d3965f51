"""POST a FHIR transaction to the EHR's FHIR base URL (urllib: no client library needed for one request)."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from pathlib import Path

from chartfile.records import DeliveryResult

FHIR_JSON = "application/fhir+json"


def post_bundle(base_url: str, body: bytes, *, timeout: float, token_file: Path | None) -> DeliveryResult:
    """2xx: delivered; 4xx but 408/429: rejected; 5xx, 408, 429, a timeout: retry; unreachable: not-sent."""
    headers = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
    if token_file is not None:
        headers["Authorization"] = "Bearer " + token_file.read_text(encoding="utf-8").strip()
    request = urllib.request.Request(base_url.rstrip("/"), data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return DeliveryResult("delivered", f"HTTP {response.status}")
    except urllib.error.HTTPError as e:
        e.close()
        if e.code in (408, 429) or e.code >= 500:
            return DeliveryResult("retry", f"HTTP {e.code} from the FHIR server")
        return DeliveryResult("rejected", f"HTTP {e.code} from the FHIR server: it refused the document")
    except TimeoutError:
        return DeliveryResult("retry", "no answer from the FHIR server in time")
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return DeliveryResult("retry", "no answer from the FHIR server in time")
        name = type(reason).__name__ if isinstance(reason, BaseException) else "unreachable"
        return DeliveryResult("not-sent", f"cannot reach the FHIR server ({name})")
    except ConnectionError as e:
        return DeliveryResult("retry", f"the FHIR server closed the connection ({type(e).__name__})")
