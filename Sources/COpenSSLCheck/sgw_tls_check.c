#ifdef __linux__
#include "sgw_tls_check.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <time.h>

static SSL_CTX *new_context(void) {
    return SSL_CTX_new(TLS_client_method());
}

int sgw_tls_check_ca_file(const char *path, int *count) {
    *count = 0;
    SSL_CTX *context = new_context();
    if (context == NULL) return SGW_TLS_INTERNAL;
    int status = SGW_TLS_OK;
    if (SSL_CTX_load_verify_locations(context, path, NULL) != 1) {
        status = SGW_TLS_NOT_CERTIFICATES;
    } else {
        STACK_OF(X509_OBJECT) *objects = X509_STORE_get0_objects(SSL_CTX_get_cert_store(context));
        for (int i = 0; i < sk_X509_OBJECT_num(objects); i++) {
            if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i)) == X509_LU_X509) (*count)++;
        }
        if (*count == 0) status = SGW_TLS_NO_CERTIFICATE;
    }
    SSL_CTX_free(context);
    ERR_clear_error();
    return status;
}

static int seconds_since_1970(const ASN1_TIME *time, int64_t *seconds) {
    struct tm parts;
    if (time == NULL || ASN1_TIME_to_tm(time, &parts) != 1) return 0;
    *seconds = (int64_t)timegm(&parts);
    return 1;
}

int sgw_tls_check_certificate_file(const char *path, int64_t *not_before, int64_t *not_after) {
    SSL_CTX *context = new_context();
    if (context == NULL) return SGW_TLS_INTERNAL;
    int status = SGW_TLS_OK;
    if (SSL_CTX_use_certificate_chain_file(context, path) != 1) {
        status = SGW_TLS_NOT_CERTIFICATES;
    } else {
        X509 *certificate = SSL_CTX_get0_certificate(context);
        if (certificate == NULL) {
            status = SGW_TLS_NO_CERTIFICATE;
        } else if (!seconds_since_1970(X509_get0_notBefore(certificate), not_before)
                   || !seconds_since_1970(X509_get0_notAfter(certificate), not_after)) {
            status = SGW_TLS_BAD_DATES;
        }
    }
    SSL_CTX_free(context);
    ERR_clear_error();
    return status;
}

/// Records that OpenSSL wanted a passphrase and gives it none: config check must never block
/// on a terminal prompt, and the agent runs with no terminal at all.
static int refuse_passphrase(char *buffer, int size, int rwflag, void *asked) {
    (void)buffer;
    (void)size;
    (void)rwflag;
    *(int *)asked = 1;
    return -1;
}

int sgw_tls_check_key_file(const char *key_path, const char *certificate_path) {
    SSL_CTX *context = new_context();
    if (context == NULL) return SGW_TLS_INTERNAL;
    int asked = 0;
    SSL_CTX_set_default_passwd_cb(context, refuse_passphrase);
    SSL_CTX_set_default_passwd_cb_userdata(context, &asked);
    int status = SGW_TLS_OK;
    // The key first: OpenSSL 3 refuses to load a key that does not fit a certificate already
    // set, which would make a mismatch look like an unreadable key. A certificate loaded after
    // a key that does not fit it drops the key, and the check below then fails.
    if (SSL_CTX_use_PrivateKey_file(context, key_path, SSL_FILETYPE_PEM) != 1) {
        status = asked ? SGW_TLS_KEY_ENCRYPTED : SGW_TLS_NOT_A_KEY;
    } else if (certificate_path != NULL && SSL_CTX_use_certificate_chain_file(context, certificate_path) == 1
               && SSL_CTX_check_private_key(context) != 1) {
        // (A certificate that does not load is its own check's to report.)
        status = SGW_TLS_KEY_MISMATCH;
    }
    SSL_CTX_free(context);
    ERR_clear_error();
    return status;
}

int sgw_tls_check_crl_file(const char *path, int *count, int64_t *next_update) {
    *count = 0;
    *next_update = 0;
    X509_STORE *store = X509_STORE_new();
    if (store == NULL) return SGW_TLS_INTERNAL;
    X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
    int status = SGW_TLS_OK;
    if (lookup == NULL) {
        status = SGW_TLS_INTERNAL;
    } else if (X509_load_crl_file(lookup, path, X509_FILETYPE_PEM) <= 0) {
        status = SGW_TLS_NOT_A_CRL;
    } else {
        STACK_OF(X509_OBJECT) *objects = X509_STORE_get0_objects(store);
        for (int i = 0; i < sk_X509_OBJECT_num(objects); i++) {
            X509_OBJECT *object = sk_X509_OBJECT_value(objects, i);
            if (X509_OBJECT_get_type(object) != X509_LU_CRL) continue;
            (*count)++;
            int64_t seconds = 0;
            if (seconds_since_1970(X509_CRL_get0_nextUpdate(X509_OBJECT_get0_X509_CRL(object)), &seconds)
                && (*next_update == 0 || seconds < *next_update)) {
                *next_update = seconds;
            }
        }
        if (*count == 0) status = SGW_TLS_NOT_A_CRL;
    }
    X509_STORE_free(store);
    ERR_clear_error();
    return status;
}
#endif
