#ifndef LATCHKEY_CXMLSEC_SHIM_H
#define LATCHKEY_CXMLSEC_SHIM_H

// SwiftPM drops the -D flags that `pkg-config --cflags xmlsec1-openssl` prints ("prohibited flags"), so they are
// repeated here exactly. XMLSEC_NO_SIZE_T changes the size of xmlSecSize: it must match the installed library
// (libxmlsec1 1.2.37 on Debian/Ubuntu is built with it).
#ifndef __XMLSEC_FUNCTION__
#define __XMLSEC_FUNCTION__ __func__
#endif
#ifndef XMLSEC_NO_SIZE_T
#define XMLSEC_NO_SIZE_T 1
#endif
#ifndef XMLSEC_OPENSSL3_ENGINES
#define XMLSEC_OPENSSL3_ENGINES 1
#endif
#ifndef XMLSEC_NO_GOST
#define XMLSEC_NO_GOST 1
#endif
#ifndef XMLSEC_NO_GOST2012
#define XMLSEC_NO_GOST2012 1
#endif
#ifndef XMLSEC_NO_CRYPTO_DYNAMIC_LOADING
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#endif
#ifndef XMLSEC_CRYPTO_OPENSSL
#define XMLSEC_CRYPTO_OPENSSL 1
#endif

// libxml2 is built with ICU, and <libxml/encoding.h> then includes the system <unicode/ucnv.h>, whose types clash
// with Foundation's _FoundationICU module ("'UErrorCode' has different definitions in different modules") in any
// Swift file that sees both. Nothing here uses the ICU members of xmlCharEncodingHandler (only pointers to it), so
// the ICU part of the libxml2 headers is switched off.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xmlerror.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysdata.h>
#include <xmlsec/list.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#endif
