"""Package signatures and station keys (EXCHANGE_FORMAT §2.3a), pure: no database, no files.

A station signs the exact bytes of its ``manifest.json`` with its Ed25519 key; the member
``signature.json`` carries the raw public key and the signature, both base64. Since the manifest
lists every member's sha256, the signature covers the whole package. The key's fingerprint is the
first 20 hex digits of sha256(raw public key), shown in groups of four (``3f2a 9c01 …``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNATURE_MEMBER = "signature.json"
ALG = "ed25519"
MAX_SIGNATURE_BYTES = 4096


class SignatureError(ValueError):
    """``signature.json`` is missing, malformed or does not verify; the message is Chinese."""


@dataclass(frozen=True)
class KeyPair:
    """An Ed25519 key pair as stored: private and public key in base64."""
    private_b64: str
    public_b64: str

    @property
    def fingerprint(self) -> str:
        """The public key's fingerprint (20 hex digits), as stations compare it."""
        return key_fingerprint(self.public_b64)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, size: int, what: str) -> bytes:
    if not isinstance(text, str):
        raise SignatureError(f"数据包的签名文件（signature.json）格式不对：{what}应为文字")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SignatureError(f"数据包的签名文件（signature.json）格式不对：{what}不是有效的 base64") from None
    if len(raw) != size:
        raise SignatureError(f"数据包的签名文件（signature.json）格式不对：{what}长度应为 {size} 字节")
    return raw


def new_key_pair() -> KeyPair:
    """A fresh Ed25519 key pair (raw keys, base64)."""
    key = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization as ser

    private = key.private_bytes(ser.Encoding.Raw, ser.PrivateFormat.Raw, ser.NoEncryption())
    public = key.public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
    return KeyPair(_b64(private), _b64(public))


def key_fingerprint(public_b64: str) -> str:
    """The first 20 hex digits of sha256(raw public key)."""
    return hashlib.sha256(base64.b64decode(public_b64)).hexdigest()[:20]


def grouped(fingerprint: str) -> str:
    """``3f2a9c01…`` → ``3f2a 9c01 …`` (groups of four, to read out or print)."""
    return " ".join(fingerprint[i:i + 4] for i in range(0, len(fingerprint), 4))


def signature_bytes(manifest_bytes: bytes, pair: KeyPair) -> bytes:
    """The ``signature.json`` member for ``manifest_bytes`` signed by ``pair``."""
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(pair.private_b64))
    doc = {"alg": ALG, "public_key": pair.public_b64, "signature": _b64(key.sign(manifest_bytes))}
    return json.dumps(doc, indent=2).encode("utf-8")


def verify(manifest_bytes: bytes, signature_raw: bytes) -> str:
    """Check ``signature.json`` against the exact manifest bytes; return the signer's public key
    (base64). Raises :class:`SignatureError` with a reason a county clerk understands."""
    if len(signature_raw) > MAX_SIGNATURE_BYTES:
        raise SignatureError("数据包的签名文件（signature.json）过大，格式不对")
    try:
        doc = json.loads(signature_raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SignatureError("数据包的签名文件（signature.json）不是有效的 JSON，数据包可能被改动过") from None
    if not isinstance(doc, dict):
        raise SignatureError("数据包的签名文件（signature.json）格式不对")
    if doc.get("alg") != ALG:
        raise SignatureError(f"数据包的签名算法 {doc.get('alg')!r} 本程序不认识（应为 ed25519）")
    public = _unb64(doc.get("public_key"), 32, "公钥")
    sig = _unb64(doc.get("signature"), 64, "签名")
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(sig, manifest_bytes)
    except (InvalidSignature, ValueError):
        raise SignatureError("数据包的签名与内容不符：数据包在联络站导出后被改动过，或签名是伪造的") from None
    return _b64(public)
