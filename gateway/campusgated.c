/* campusgated: the gateway daemon (written in the next step). */
#include <stdio.h>
int main(void) { puts("campusgated"); return 0; }
