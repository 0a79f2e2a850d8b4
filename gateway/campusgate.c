/* campusgate: the admin and staff tool (written in the next step). */
#include <stdio.h>
int main(void) { puts("campusgate"); return 0; }
