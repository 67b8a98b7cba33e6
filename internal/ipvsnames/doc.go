// Package ipvsnames names IPVS virtual services the way a person does:
// the PROTO:ADDR:PORT, FWM:MARK and FWM6:MARK notation of check-ipvs's
// --service (ParseService), and the service-names file that maps a
// service to a name for the ip_vs plugin's keys and check-ipvs's messages
// (Parse, Load).
package ipvsnames
