"""A small SAML 2.0 identity provider for tests: its metadata served over HTTP on 127.0.0.1
(as SSO_SAML_METADATA_URL points to), and signed responses to the service provider's requests.

The browser's part is played by the test: it reads the SAMLRequest Ruche redirected to, asks
`response_to(saml_request)` for the signed SAMLResponse and posts it to Ruche's ACS URL, as the
IdP's auto-submitting form would. Needs python3-saml (and so xmlsec) to sign.
"""

import datetime
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

GROUPS_ATTRIBUTE = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
EMAIL_ATTRIBUTE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"


def _instant(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class TestSamlIdentityProvider:
    __test__ = False  # not a test class, for pytest

    def __init__(
        self, *, email: str = "paul@bank.example", groups: list[str] | None = None
    ) -> None:
        self.email = email
        self.groups = list(groups or [])
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ruche-test-idp")])
        now = datetime.datetime.now(datetime.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.entity_id = f"{self.base}/idp"
        self.metadata_url = f"{self.base}/metadata"
        self.sso_url = f"{self.base}/sso"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "TestSamlIdentityProvider":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _cert_b64(self) -> str:
        pem = self.cert.public_bytes(serialization.Encoding.PEM).decode()
        return "".join(pem.strip().splitlines()[1:-1])

    def metadata(self) -> str:
        return (
            '<?xml version="1.0"?>'
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'entityID="{self.entity_id}"><md:IDPSSODescriptor '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            '<md:KeyDescriptor use="signing"><ds:KeyInfo '
            'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>'
            f"{self._cert_b64()}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
            "</md:KeyDescriptor><md:SingleSignOnService "
            'Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f'Location="{self.sso_url}"/></md:IDPSSODescriptor></md:EntityDescriptor>'
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                body = idp.metadata().encode() if self.path == "/metadata" else b""
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/samlmetadata+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def response_to(self, saml_request: str, *, forged: bool = False) -> str:
        """The base64 SAMLResponse answering a (deflated, base64) AuthnRequest, its assertion
        signed by this IdP's key (`forged`: by another key)."""
        from lxml import etree
        from onelogin.saml2.utils import OneLogin_Saml2_Utils

        request = etree.fromstring(OneLogin_Saml2_Utils.decode_base64_and_inflate(saml_request))
        request_id = request.get("ID")
        acs = request.get("AssertionConsumerServiceURL")
        sp_entity = request.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer").text
        now = datetime.datetime.now(datetime.UTC)
        later = _instant(now + datetime.timedelta(minutes=5))
        values = "".join(
            f'<saml:AttributeValue xsi:type="xs:string">{escape(g)}</saml:AttributeValue>'
            for g in self.groups
        )
        assertion = (
            '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'ID="_a{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_instant(now)}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            "<saml:Subject><saml:NameID "
            'Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">'
            f"{escape(self.email)}</saml:NameID>"
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{later}" Recipient="{acs}" '
            f'InResponseTo="{request_id}"/></saml:SubjectConfirmation></saml:Subject>'
            f'<saml:Conditions NotBefore="{_instant(now - datetime.timedelta(minutes=1))}" '
            f'NotOnOrAfter="{later}"><saml:AudienceRestriction>'
            f"<saml:Audience>{sp_entity}</saml:Audience></saml:AudienceRestriction>"
            "</saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="_s1">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>"
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f'<saml:AttributeStatement><saml:Attribute Name="{EMAIL_ATTRIBUTE}">'
            f'<saml:AttributeValue xsi:type="xs:string">{escape(self.email)}</saml:AttributeValue>'
            f'</saml:Attribute><saml:Attribute Name="{GROUPS_ATTRIBUTE}">{values}'
            "</saml:Attribute></saml:AttributeStatement></saml:Assertion>"
        )
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if forged else self.key
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        cert_pem = self.cert.public_bytes(serialization.Encoding.PEM).decode()
        signed = OneLogin_Saml2_Utils.add_sign(
            assertion,
            key_pem,
            cert_pem,
            sign_algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_algorithm="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        signed_text = signed.decode() if isinstance(signed, bytes) else str(signed)
        signed_text = (
            signed_text.split("?>", 1)[-1] if signed_text.startswith("<?xml") else signed_text
        )
        response = (
            '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="_r{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_instant(now)}" '
            f'Destination="{acs}" InResponseTo="{request_id}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
            f"</samlp:Status>{signed_text}</samlp:Response>"
        )
        return OneLogin_Saml2_Utils.b64encode(response)
