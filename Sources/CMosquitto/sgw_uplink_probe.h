// Connection diagnosis for the uplink: a TCP connect with a timeout, a TLS handshake that
// records why it failed, and a plain-MQTT knock. Used before each attempt (the TCP connect)
// and after an attempt failed before CONNACK (the rest), never on the data path.
//
// Static functions in a header because CMosquitto is a system-library module (no .c files).
// Every wait is poll() with a timeout on the socket and on a wake pipe, so nothing here spins
// and a stop request interrupts it.
#ifndef SGW_UPLINK_PROBE_H
#define SGW_UPLINK_PROBE_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "sgw_tls_context.h"

enum {
    SGW_NET_OK = 0,
    SGW_NET_RESOLVE = 1,  // code: getaddrinfo's EAI_* value
    SGW_NET_ERRNO = 2,    // code: errno of socket/connect (ECONNREFUSED ...)
    SGW_NET_TIMEOUT = 3,  // no answer to the SYN within the timeout
    SGW_NET_STOPPED = 4,  // the wake pipe was written
};

typedef struct {
    int status;
    int code;
} sgw_net_result;

// Waits for `events` on fd, or for the wake fd; revents, 0 on timeout, -1 when woken.
static inline int sgw_wait(int fd, short events, int wake_fd, int timeout_ms) {
    struct pollfd fds[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    nfds_t count = wake_fd >= 0 ? 2 : 1;
    int rc;
    do {
        rc = poll(fds, count, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc <= 0) return 0;
    if (count == 2 && fds[1].revents) return -1;
    return fds[0].revents;
}

// A connected non-blocking TCP socket to host:port (each resolved address in turn), or -1
// with the reason in *result.
static inline int sgw_tcp_connect(const char *host, int port, int timeout_ms, int wake_fd, sgw_net_result *result) {
    struct addrinfo hints, *list = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    int rc = getaddrinfo(host, service, &hints, &list);
    if (rc != 0) {
        result->status = SGW_NET_RESOLVE;
        result->code = rc;
        return -1;
    }
    result->status = SGW_NET_ERRNO;
    result->code = 0;
    int fd = -1;
    for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            result->code = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        if (errno == EINPROGRESS) {
            int events = sgw_wait(fd, POLLOUT, wake_fd, timeout_ms);
            if (events < 0) {
                result->status = SGW_NET_STOPPED;
                close(fd);
                fd = -1;
                break;
            }
            if (events == 0) {
                result->status = SGW_NET_TIMEOUT;
            } else {
                int error = 0;
                socklen_t length = sizeof error;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error == 0) break;
                result->status = SGW_NET_ERRNO;
                result->code = error;
            }
        } else {
            result->status = SGW_NET_ERRNO;
            result->code = errno;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd >= 0) {
        result->status = SGW_NET_OK;
        result->code = 0;
    }
    return fd;
}

// What a diagnostic TLS handshake found.
typedef struct {
    sgw_net_result net;
    // SGW_FILE_*: 0 the files loaded; else which one OpenSSL refused.
    int file_problem;
    // The peer sent TLS (a certificate, an alert or a finished handshake).
    int reached_tls;
    int handshake_completed;
    // Nothing came back before the peer closed or timed out (the handshake waited in vain).
    int timed_out;
    // X509_V_* of the server's chain against the CA file and the host name.
    long verify_result;
    // TLS alert description received from the peer, or -1.
    int alert_received;
    int sys_errno;
    char error_text[256];
    char peer_subject[256];
    char peer_issuer[256];
    // subjectAltName DNS names and IP addresses, comma-separated.
    char peer_names[512];
    long long not_before;  // seconds since 1970, 0 when unknown
    long long not_after;
    // Base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (what pin_sha256 compares).
    char peer_pin[48];
} sgw_tls_probe_result;

static inline long long sgw_asn1_time(const ASN1_TIME *time) {
    struct tm parts;
    memset(&parts, 0, sizeof parts);
    if (time == NULL || ASN1_TIME_to_tm(time, &parts) != 1) return 0;
    return (long long)timegm(&parts);
}

static inline void sgw_append(char *buffer, size_t size, const char *text) {
    size_t used = strlen(buffer);
    if (used > 0 && used + 1 < size) {
        buffer[used++] = ',';
        buffer[used] = 0;
    }
    if (used < size) snprintf(buffer + used, size - used, "%s", text);
}

static inline void sgw_describe_peer(X509 *leaf, sgw_tls_probe_result *result) {
    X509_NAME_oneline(X509_get_subject_name(leaf), result->peer_subject, sizeof result->peer_subject);
    X509_NAME_oneline(X509_get_issuer_name(leaf), result->peer_issuer, sizeof result->peer_issuer);
    result->not_before = sgw_asn1_time(X509_get0_notBefore(leaf));
    result->not_after = sgw_asn1_time(X509_get0_notAfter(leaf));
    unsigned char digest[SGW_PIN_LENGTH];
    if (sgw_spki_sha256(leaf, digest)) sgw_base64(digest, SGW_PIN_LENGTH, result->peer_pin, sizeof result->peer_pin);
    GENERAL_NAMES *names = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    if (names == NULL) return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);
        char text[INET6_ADDRSTRLEN + 1];
        if (name->type == GEN_DNS) {
            const unsigned char *data = ASN1_STRING_get0_data(name->d.dNSName);
            int length = ASN1_STRING_length(name->d.dNSName);
            snprintf(text, sizeof text, "%.*s", length, (const char *)data);
            sgw_append(result->peer_names, sizeof result->peer_names, text);
        } else if (name->type == GEN_IPADD) {
            int length = ASN1_STRING_length(name->d.iPAddress);
            const unsigned char *data = ASN1_STRING_get0_data(name->d.iPAddress);
            if (inet_ntop(length == 16 ? AF_INET6 : AF_INET, data, text, sizeof text) != NULL) {
                sgw_append(result->peer_names, sizeof result->peer_names, text);
            }
        }
    }
    GENERAL_NAMES_free(names);
}

// Records the first OpenSSL error: its text, and the alert when it is one the peer sent.
static inline void sgw_record_ssl_error(sgw_tls_probe_result *result) {
    unsigned long error = ERR_peek_error();
    if (error == 0) return;
    ERR_error_string_n(error, result->error_text, sizeof result->error_text);
    int reason = ERR_GET_REASON(error);
    // OpenSSL reports an alert from the peer as SSL_AD_REASON_OFFSET + the alert's number.
    if (ERR_GET_LIB(error) == ERR_LIB_SSL && reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256) {
        result->alert_received = reason - SSL_AD_REASON_OFFSET;
        result->reached_tls = 1;
    }
}

// One TLS handshake with host:port, with the context the connection uses (sgw_tls_context.h)
// but not enforcing: the server's chain, host name, CRL and pins are verified
// (SSL_VERIFY_NONE), so the handshake goes on and the verify result, the certificate's names,
// dates and key can be read. With `settings` NULL it only asks whether the peer speaks TLS.
static inline void sgw_tls_probe(const char *host, int port, const sgw_tls_settings *settings, const sgw_tls_pins *pins,
                                 int timeout_ms, int wake_fd, sgw_tls_probe_result *result) {
    memset(result, 0, sizeof *result);
    result->alert_received = -1;
    result->verify_result = X509_V_OK;
    ERR_clear_error();
    sgw_tls_settings diagnostic;
    memset(&diagnostic, 0, sizeof diagnostic);
    diagnostic.min_version = TLS1_2_VERSION;
    if (settings != NULL) diagnostic = *settings;
    diagnostic.enforce = 0;
    // The host is set on the SSL below, as before.
    diagnostic.host = NULL;
    SSL_CTX *context = sgw_tls_context_new(&diagnostic, pins, &result->file_problem);
    if (context == NULL) {
        sgw_record_ssl_error(result);
        return;
    }
    int fd = sgw_tcp_connect(host, port, timeout_ms, wake_fd, &result->net);
    if (fd < 0) {
        SSL_CTX_free(context);
        return;
    }
    SSL *ssl = SSL_new(context);
    if (ssl == NULL) {
        sgw_record_ssl_error(result);
        close(fd);
        SSL_CTX_free(context);
        return;
    }
    SSL_set_fd(ssl, fd);
    unsigned char address[16];
    int is_address = inet_pton(AF_INET, host, address) == 1 || inet_pton(AF_INET6, host, address) == 1;
    if (is_address) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
    } else {
        SSL_set_tlsext_host_name(ssl, host);
        SSL_set1_host(ssl, host);
    }
    // A handshake is a few round trips; the cap makes a spin impossible whatever OpenSSL says.
    for (int round = 0; round < 64; round++) {
        ERR_clear_error();
        errno = 0;
        int rc = SSL_connect(ssl);
        if (rc == 1) {
            result->handshake_completed = 1;
            result->reached_tls = 1;
            break;
        }
        int error = SSL_get_error(ssl, rc);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            int events = sgw_wait(fd, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, wake_fd, timeout_ms);
            if (events == 0) result->timed_out = 1;
            if (events <= 0) break;
            continue;
        }
        result->sys_errno = errno;
        sgw_record_ssl_error(result);
        break;
    }
    // TLS 1.3: the server checks the client's certificate after the client finished; a
    // rejection arrives as an alert just after the handshake.
    // TLS 1.2 refuses it inside the handshake, and a server certificate already found wrong
    // needs no more waiting. A good TLS 1.3 server says nothing more: the wait is short.
    if (result->handshake_completed && SSL_version(ssl) >= TLS1_3_VERSION
        && SSL_get_verify_result(ssl) == X509_V_OK) {
        unsigned char byte;
        for (int round = 0; round < 16; round++) {
            int events = sgw_wait(fd, POLLIN, wake_fd, timeout_ms < 1000 ? timeout_ms : 1000);
            if (events <= 0) break;
            ERR_clear_error();
            errno = 0;
            int rc = SSL_read(ssl, &byte, 1);
            if (rc > 0) break;
            int error = SSL_get_error(ssl, rc);
            if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) continue;
            result->sys_errno = errno;
            sgw_record_ssl_error(result);
            break;
        }
    }
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    if (chain != NULL && sk_X509_num(chain) > 0) {
        result->reached_tls = 1;
        result->verify_result = SSL_get_verify_result(ssl);
        sgw_describe_peer(sk_X509_value(chain, 0), result);
    }
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(context);
}

// Whether host:port answers a plain MQTT 3.1.1 CONNECT with a CONNACK (an MQTT listener
// without TLS). 1 yes, 0 no.
static inline int sgw_mqtt_probe(const char *host, int port, int timeout_ms, int wake_fd) {
    sgw_net_result net;
    int fd = sgw_tcp_connect(host, port, timeout_ms, wake_fd, &net);
    if (fd < 0) return 0;
    // CONNECT, remaining length 12: "MQTT", level 4, clean session, keepalive 60, empty client id.
    static const unsigned char packet[] = {0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0};
    int answered = 0;
    if (send(fd, packet, sizeof packet, MSG_NOSIGNAL) == (ssize_t)sizeof packet
        && sgw_wait(fd, POLLIN, wake_fd, timeout_ms) > 0) {
        unsigned char first = 0;
        answered = recv(fd, &first, 1, 0) == 1 && first == 0x20;  // CONNACK
    }
    close(fd);
    return answered;
}

#endif
