// zlib from Debian (zlib1g-dev), for posts' stored text: see HearthStore's PostContent.
#include <zlib.h>
