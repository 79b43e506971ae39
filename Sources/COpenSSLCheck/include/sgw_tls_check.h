#pragma once
// Loads TLS files the way libmosquitto's mosquitto_tls_set does (through an OpenSSL SSL_CTX),
// so `sensorgw config check` refuses what the uplink would refuse. No parsing here: every
// decision is OpenSSL's. Linux only (the package links ssl and crypto there).
#ifdef __linux__
#include <stdint.h>

/// What a check found; SGW_TLS_OK is 0.
enum sgw_tls_status {
    SGW_TLS_OK = 0,
    /// The file is not PEM text OpenSSL can read as one or more certificates.
    SGW_TLS_NOT_CERTIFICATES = 1,
    /// The file holds PEM, but not one certificate (only CRLs, say).
    SGW_TLS_NO_CERTIFICATE = 2,
    /// The file is not a PEM private key OpenSSL can read.
    SGW_TLS_NOT_A_KEY = 3,
    /// The key is encrypted: OpenSSL asked for a passphrase.
    SGW_TLS_KEY_ENCRYPTED = 4,
    /// The key is not the one the certificate was issued for.
    SGW_TLS_KEY_MISMATCH = 5,
    /// The certificate's validity dates cannot be read.
    SGW_TLS_BAD_DATES = 6,
    /// OpenSSL could not set up (out of memory).
    SGW_TLS_INTERNAL = 7,
    /// The file is not PEM text OpenSSL can read as one or more CRLs.
    SGW_TLS_NOT_A_CRL = 8,
};

/// Loads `path` as CA certificates, as SSL_CTX_load_verify_locations does; `count` receives
/// how many certificates it holds.
int sgw_tls_check_ca_file(const char *path, int *count);

/// Loads `path` as the client certificate chain, as SSL_CTX_use_certificate_chain_file does,
/// and gives the first certificate's notBefore and notAfter as seconds since 1970 (UTC).
int sgw_tls_check_certificate_file(const char *path, int64_t *not_before, int64_t *not_after);

/// Loads `key_path` as a PEM private key, as SSL_CTX_use_PrivateKey_file does (never prompting
/// for a passphrase) and, when `certificate_path` is not NULL, checks it is the certificate's
/// key with SSL_CTX_check_private_key.
int sgw_tls_check_key_file(const char *key_path, const char *certificate_path);

/// Loads `path` as PEM CRLs, as X509_load_crl_file does for the uplink's store; `count`
/// receives how many it holds and `next_update` the earliest nextUpdate (seconds since 1970,
/// 0 when no CRL has one).
int sgw_tls_check_crl_file(const char *path, int *count, int64_t *next_update);
#endif
