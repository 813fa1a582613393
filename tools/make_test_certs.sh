#!/bin/sh
# Regenerate the test certificates shipped in src/mockselector/certs/.
#
# They are for tests only: the CA's private key is thrown away once the
# certificates are signed, so nothing else can ever be signed by it.
# Keys are EC P-256; the certificates are valid from 2000-01-01 (a clock
# that is behind still accepts them) for 100 years after generation.
#
# Usage: tools/make_test_certs.sh   (needs the openssl command)
set -eu

out="$(cd "$(dirname "$0")/.." && pwd)/src/mockselector/certs"
start=20000101000000Z
end="$(( $(date -u +%Y) + 100 ))0101000000Z"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# A minimal CA database for `openssl ca`, the command that takes a start date.
touch index.txt
cat > ca.cnf <<END
[ca]
default_ca = test_ca
[test_ca]
database = index.txt
serial = serial
new_certs_dir = .
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
copy_extensions = none
[any]
organizationName = optional
commonName = supplied
END

# sign CSR OUT SERIAL EXTFILE [openssl ca options...]
sign() {
    csr=$1 result=$2 serial=$3 ext=$4
    shift 4
    printf '%02X\n' "$serial" > serial
    openssl ca -batch -config ca.cnf -notext -startdate "$start" -enddate "$end" \
        -extfile "$ext" -in "$csr" -out "$result" "$@" 2>/dev/null
}

key() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# The CA.
key ca-key.pem
cat > ca.ext <<'END'
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
END
openssl req -new -key ca-key.pem -subj "/O=mockselector/CN=mockselector test CA" -out ca.csr
sign ca.csr ca.pem 1 ca.ext -selfsign -keyfile ca-key.pem

# A server certificate for $1 (file stem), names $2 (a subjectAltName value), serial $3.
leaf() {
    key "$1-key.pem"
    cat > "$1.ext" <<END
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
subjectAltName = $2
END
    openssl req -new -key "$1-key.pem" -subj "/O=mockselector/CN=$4" -out "$1.csr"
    sign "$1.csr" "$1.pem" "$3" "$1.ext" -cert ca.pem -keyfile ca-key.pem
}

leaf localhost "DNS:localhost, IP:127.0.0.1, IP:::1" 2 localhost
leaf wildcard "DNS:example.com, DNS:*.example.com, DNS:example.org, DNS:*.example.org, \
DNS:example.net, DNS:*.example.net, DNS:*.mock.test" 3 "*.example.com"

mkdir -p "$out"
for name in ca localhost localhost-key wildcard wildcard-key; do
    cp "$name.pem" "$out/$name.pem"
done
echo "wrote $out: ca.pem localhost.pem localhost-key.pem wildcard.pem wildcard-key.pem"
