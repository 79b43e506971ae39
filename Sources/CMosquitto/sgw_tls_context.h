// The uplink's OpenSSL context, built here and handed to libmosquitto (MOSQ_OPT_SSL_CTX with
// MOSQ_OPT_SSL_CTX_WITH_DEFAULTS 0), so that the settings libmosquitto has no option for
// (public-key pins, a CRL) apply, and so that the diagnostic handshake (sgw_uplink_probe.h)
// builds exactly the context the connection used. Thin: every decision is OpenSSL's.
//
// libmosquitto still sets SNI from the host it connects to (SSL_set_tlsext_host_name in
// net__socket_connect_step3); with its defaults off it no longer checks the host name, so the
// context's verify parameters carry the host and X509_verify_cert checks it.
#ifndef SGW_TLS_CONTEXT_H
#define SGW_TLS_CONTEXT_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

enum {
    SGW_FILE_OK = 0,
    SGW_FILE_CA = 1,
    SGW_FILE_CERTIFICATE = 2,
    SGW_FILE_KEY = 3,
    SGW_FILE_KEY_MISMATCH = 4,
    SGW_FILE_CRL = 5,
    SGW_FILE_INTERNAL = 6,
};

enum { SGW_PIN_LENGTH = 32, SGW_MAX_PINS = 8 };

/// SHA-256 digests of SubjectPublicKeyInfo the server's key must be one of (count 0: any).
typedef struct {
    int count;
    unsigned char digests[SGW_MAX_PINS][SGW_PIN_LENGTH];
} sgw_tls_pins;

/// What the context is built from. Strings may be NULL (no file; no host check).
typedef struct {
    const char *ca;
    const char *certificate;
    const char *key;
    const char *crl;
    /// TLS1_2_VERSION or TLS1_3_VERSION.
    int min_version;
    /// ALPN protocols in wire format (length-prefixed names), or NULL.
    const unsigned char *alpn;
    unsigned int alpn_length;
    /// The broker's host name or address, checked against its certificate.
    const char *host;
    /// 1: refuse a server that fails verification (the connection); 0: record why and go on
    /// (the diagnosis, which reads the verify result afterwards).
    int enforce;
} sgw_tls_settings;

/// The SHA-256 of a certificate's DER SubjectPublicKeyInfo (RFC 7469 section 2.4). 1 on success.
static inline int sgw_spki_sha256(X509 *certificate, unsigned char digest[SGW_PIN_LENGTH]) {
    unsigned char *der = NULL;
    int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate), &der);
    if (length <= 0) return 0;
    unsigned int size = 0;
    int ok = EVP_Digest(der, (size_t)length, digest, &size, EVP_sha256(), NULL) == 1 && size == SGW_PIN_LENGTH;
    OPENSSL_free(der);
    return ok;
}

/// Chain, host name and CRL through OpenSSL first; then the leaf's key against the pins. A
/// mismatch is X509_V_ERR_APPLICATION_VERIFICATION, which the classification names
/// server_key_not_pinned when pins are configured.
static inline int sgw_verify_with_pins(X509_STORE_CTX *store, void *arg) {
    int ok = X509_verify_cert(store);
    const sgw_tls_pins *pins = (const sgw_tls_pins *)arg;
    if (ok <= 0 || pins == NULL || pins->count == 0) return ok;
    unsigned char digest[SGW_PIN_LENGTH];
    X509 *leaf = X509_STORE_CTX_get0_cert(store);
    if (leaf != NULL && sgw_spki_sha256(leaf, digest)) {
        for (int i = 0; i < pins->count; i++) {
            if (memcmp(digest, pins->digests[i], SGW_PIN_LENGTH) == 0) return ok;
        }
    }
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
}

/// A CRL past its nextUpdate still lists what it revoked: use it rather than refuse every
/// broker until a new one arrives (config check warns about it).
static inline int sgw_verify_tolerating_stale_crl(int ok, X509_STORE_CTX *store) {
    if (!ok && X509_STORE_CTX_get_error(store) == X509_V_ERR_CRL_HAS_EXPIRED) {
        X509_STORE_CTX_set_error(store, X509_V_OK);
        return 1;
    }
    return ok;
}

static inline int sgw_refuse_passphrase(char *buffer, int size, int rwflag, void *data) {
    (void)buffer;
    (void)size;
    (void)rwflag;
    (void)data;
    return -1;
}

/// A client context for `settings`, or NULL with the file OpenSSL refused in *file_problem.
/// `pins` must outlive the context (the caller frees both).
static inline SSL_CTX *sgw_tls_context_new(const sgw_tls_settings *settings, const sgw_tls_pins *pins, int *file_problem) {
    *file_problem = SGW_FILE_OK;
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    if (context == NULL) {
        *file_problem = SGW_FILE_INTERNAL;
        return NULL;
    }
    SSL_CTX_set_min_proto_version(context, settings->min_version);
    // As libmosquitto's defaults: no compression (CRIME), smaller buffers when idle.
    SSL_CTX_set_options(context, SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_default_passwd_cb(context, sgw_refuse_passphrase);
    SSL_CTX_set_verify(context, settings->enforce ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, sgw_verify_tolerating_stale_crl);
    SSL_CTX_set_cert_verify_callback(context, sgw_verify_with_pins, (void *)pins);
    X509_VERIFY_PARAM *param = SSL_CTX_get0_param(context);
    if (settings->host != NULL) {
        unsigned char address[16];
        if (inet_pton(AF_INET, settings->host, address) == 1 || inet_pton(AF_INET6, settings->host, address) == 1) {
            X509_VERIFY_PARAM_set1_ip_asc(param, settings->host);
        } else {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            X509_VERIFY_PARAM_set1_host(param, settings->host, 0);
        }
    }
    if (settings->ca != NULL && SSL_CTX_load_verify_locations(context, settings->ca, NULL) != 1) {
        *file_problem = SGW_FILE_CA;
    } else if (settings->certificate != NULL && SSL_CTX_use_certificate_chain_file(context, settings->certificate) != 1) {
        *file_problem = SGW_FILE_CERTIFICATE;
    } else if (settings->key != NULL && SSL_CTX_use_PrivateKey_file(context, settings->key, SSL_FILETYPE_PEM) != 1) {
        *file_problem = SGW_FILE_KEY;
    } else if (settings->key != NULL && SSL_CTX_check_private_key(context) != 1) {
        *file_problem = SGW_FILE_KEY_MISMATCH;
    } else if (settings->crl != NULL) {
        X509_LOOKUP *lookup = X509_STORE_add_lookup(SSL_CTX_get_cert_store(context), X509_LOOKUP_file());
        if (lookup == NULL || X509_load_crl_file(lookup, settings->crl, X509_FILETYPE_PEM) <= 0) {
            *file_problem = SGW_FILE_CRL;
        } else {
            // The leaf's revocation, against a CRL from its issuer (the broker's CA).
            X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
        }
    }
    // SSL_CTX_set_alpn_protos returns 0 on success.
    if (*file_problem == SGW_FILE_OK && settings->alpn != NULL && settings->alpn_length > 0
        && SSL_CTX_set_alpn_protos(context, settings->alpn, settings->alpn_length) != 0) {
        *file_problem = SGW_FILE_INTERNAL;
    }
    if (*file_problem != SGW_FILE_OK) {
        SSL_CTX_free(context);
        return NULL;
    }
    return context;
}

/// Base64 of a digest, for naming the key a server presented.
static inline void sgw_base64(const unsigned char *bytes, int length, char *out, size_t size) {
    if (size < (size_t)(4 * ((length + 2) / 3) + 1)) {
        if (size > 0) out[0] = 0;
        return;
    }
    EVP_EncodeBlock((unsigned char *)out, bytes, length);
}

#endif
