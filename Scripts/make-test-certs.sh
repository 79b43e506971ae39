#!/usr/bin/env bash
# Makes throwaway certificates for a local broker and one gateway, plus a second, untrusted CA
# (with its own client and server certificates) for the tests that must be refused.
# Usage: Scripts/make-test-certs.sh DIR [CLIENT_CN]
# Never use these outside a laptop or CI: the private keys sit next to the certificates.
set -euo pipefail
dir=${1:?usage: make-test-certs.sh DIR [CLIENT_CN]}
client_cn=${2:-sensorgw-demo}
mkdir -p "$dir"
cd "$dir"
umask 077
days=365  # more than the 30 days before expiry at which `config check` starts warning

ca() { # NAME SUBJECT
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
    -subj "$2" -keyout "$1.key" -out "$1.pem" -addext "basicConstraints=critical,CA:true" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
leaf() { # NAME CA SUBJECT EXTENSIONS
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$3" \
    -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days "$days" \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
server_ext='basicConstraints=CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1'
client_ext='basicConstraints=CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'

ca ca "/CN=sensorgw test CA"
leaf server ca "/CN=localhost" "$server_ext"
leaf client ca "/CN=$client_cn" "$client_ext"
leaf subscriber ca "/CN=subscriber" "$client_ext"
# A server certificate from the right CA but for another host name: hostname check must refuse it.
leaf wrong-host ca "/CN=not-this-host.example" 'basicConstraints=CA:false
extendedKeyUsage=serverAuth
subjectAltName=DNS:not-this-host.example'

ca rogue-ca "/CN=untrusted CA"
leaf rogue-client rogue-ca "/CN=$client_cn" "$client_ext"
leaf rogue-server rogue-ca "/CN=localhost" "$server_ext"

# Certificates are public; keys stay 0600 (the agent refuses world-readable keys).
chmod 644 ./*.pem
chmod 600 ./*.key
echo "certificates in $(pwd)"
