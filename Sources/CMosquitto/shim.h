#include <mosquitto.h>
// MQTT 5 property identifiers (MQTT_PROP_CONTENT_TYPE ...).
#include <mqtt_protocol.h>
